/// The DFT of a real signal of even length N, giving bins 0...N/2 (the rest mirror them).
///
/// The usual trick halves the work: the N real samples are read as N/2 complex ones,
/// z[n] = x[2n] + i·x[2n+1], transformed by one N/2-point complex FFT, and untangled:
/// with Z' = conj(Z[N/2 − k]), the even samples' spectrum is E = (Z[k] + Z')/2, the odd samples'
/// is O = (Z[k] − Z')/(2i), and X[k] = E + e^(−2πik/N)·O.
public struct RealFFT {
    /// N, the number of real input samples.
    public let size: Int
    /// N/2 + 1, the number of output bins.
    public var binCount: Int { size / 2 + 1 }

    private let half: ComplexFFT
    /// e^(−2πik/N) for k = 0...N/2, computed in double precision.
    private let twiddleRe: [Float]
    private let twiddleIm: [Float]

    /// A transform of `size` points; `size` must be even and at least 2.
    public init(size: Int) {
        precondition(size >= 2 && size % 2 == 0, "RealFFT needs an even size")
        self.size = size
        half = ComplexFFT(size: size / 2)
        twiddleRe = (0...size / 2).map { Float(ScalarMath.cos(-2 * Double.pi * Double($0) / Double(size))) }
        twiddleIm = (0...size / 2).map { Float(ScalarMath.sin(-2 * Double.pi * Double($0) / Double(size))) }
    }

    /// Scratch memory for one transform at a time (make one per thread).
    public final class Workspace {
        let re: UnsafeMutablePointer<Float>
        let im: UnsafeMutablePointer<Float>
        let workRe: UnsafeMutablePointer<Float>
        let workIm: UnsafeMutablePointer<Float>
        let binRe: UnsafeMutablePointer<Float>
        let binIm: UnsafeMutablePointer<Float>
        private let storage: UnsafeMutablePointer<Float>

        init(size: Int) {
            let h = size / 2
            storage = .allocate(capacity: 4 * h + 2 * (h + 1))
            storage.initialize(repeating: 0, count: 4 * h + 2 * (h + 1))
            re = storage
            im = storage + h
            workRe = storage + 2 * h
            workIm = storage + 3 * h
            binRe = storage + 4 * h
            binIm = storage + 5 * h + 1
        }

        deinit { storage.deallocate() }
    }

    public func makeWorkspace() -> Workspace { Workspace(size: size) }

    /// Bins 0...N/2 of the DFT of `input` (N samples) into `outRe`/`outIm` (N/2 + 1 each).
    public func transform(_ input: UnsafePointer<Float>, outRe: UnsafeMutablePointer<Float>,
                          outIm: UnsafeMutablePointer<Float>, workspace: Workspace) {
        let h = size / 2
        let zr = workspace.re, zi = workspace.im
        for n in 0..<h {
            zr[n] = input[2 * n]
            zi[n] = input[2 * n + 1]
        }
        half.transform(re: zr, im: zi, workRe: workspace.workRe, workIm: workspace.workIm)
        twiddleRe.withUnsafeBufferPointer { twr in
            twiddleIm.withUnsafeBufferPointer { twi in
                for k in 0...h {
                    let a = k == h ? 0 : k          // Z[k mod N/2]
                    let b = k == 0 ? 0 : h - k      // Z[(N/2 − k) mod N/2]
                    let er = 0.5 * (zr[a] + zr[b]), ei = 0.5 * (zi[a] - zi[b])
                    let or = 0.5 * (zi[a] + zi[b]), oi = -0.5 * (zr[a] - zr[b])
                    let cr = twr[k], ci = twi[k]
                    outRe[k] = er + (cr * or - ci * oi)
                    outIm[k] = ei + (cr * oi + ci * or)
                }
            }
        }
    }

    /// |X[k]|² for k = 0...N/2 into `power` (N/2 + 1 values).
    public func powerSpectrum(_ input: UnsafePointer<Float>, into power: UnsafeMutablePointer<Float>,
                              workspace: Workspace) {
        transform(input, outRe: workspace.binRe, outIm: workspace.binIm, workspace: workspace)
        let re = workspace.binRe, im = workspace.binIm
        for k in 0..<binCount {
            power[k] = re[k] * re[k] + im[k] * im[k]
        }
    }
}
