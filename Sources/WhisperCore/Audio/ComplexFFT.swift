/// The discrete Fourier transform X[k] = Σₙ x[n]·e^(−2πi·kn/N) of a fixed length N, by a
/// mixed-radix Stockham FFT (radix 4, 2, 3 and 5 butterflies; any other prime factor by a direct
/// small DFT). Whisper's 400-point real transform needs N = 200 = 4·2·5·5.
///
/// Stockham's "autosort" form needs no bit-reversal: stage by stage, with L the length still to
/// split, radix p and m = L/p, the p inputs a_r = x[k + r·m] of each of the s interleaved
/// sub-problems are combined into b_t = Σ_r a_r·ω_p^(rt), multiplied by the twiddle ω_L^(kt),
/// and stored at position p·k + t of the other buffer; the sub-problems then have length m and
/// there are p·s of them. Twiddles are computed in double precision and rounded once to Float.
/// Data are complex numbers in split form (separate real and imaginary arrays).
struct ComplexFFT {
    struct Stage {
        let radix: Int
        /// Length of each sub-problem at this stage (L) and their number (s).
        let length: Int
        let stride: Int
        /// ω_L^(kt) for k < L/radix, t = 1..<radix, at index k·(radix − 1) + t − 1.
        let twiddleRe: [Float]
        let twiddleIm: [Float]
    }

    let size: Int
    let stages: [Stage]
    /// cos/sin(2π·j/p) for the generic radix-p butterfly, per stage that needs one (p > 5).
    private let rootsRe: [[Float]]
    private let rootsIm: [[Float]]

    init(size: Int) {
        precondition(size >= 1, "FFT size must be positive")
        self.size = size
        var radices: [Int] = []
        var rest = size
        while rest % 4 == 0 { radices.append(4); rest /= 4 }
        for p in [2, 3, 5] { while rest % p == 0 { radices.append(p); rest /= p } }
        var p = 7
        while rest > 1 {
            while rest % p == 0 { radices.append(p); rest /= p }
            p += 2
        }
        var stages: [Stage] = []
        var rootsRe: [[Float]] = []
        var rootsIm: [[Float]] = []
        var length = size
        var stride = 1
        for radix in radices {
            let m = length / radix
            var twRe = [Float](repeating: 0, count: m * (radix - 1))
            var twIm = twRe
            for k in 0..<m {
                for t in 1..<radix {
                    let angle = -2 * Double.pi * Double(k * t) / Double(length)
                    twRe[k * (radix - 1) + t - 1] = Float(ScalarMath.cos(angle))
                    twIm[k * (radix - 1) + t - 1] = Float(ScalarMath.sin(angle))
                }
            }
            stages.append(Stage(radix: radix, length: length, stride: stride, twiddleRe: twRe, twiddleIm: twIm))
            rootsRe.append((0..<radix).map { Float(ScalarMath.cos(-2 * Double.pi * Double($0) / Double(radix))) })
            rootsIm.append((0..<radix).map { Float(ScalarMath.sin(-2 * Double.pi * Double($0) / Double(radix))) })
            length = m
            stride *= radix
        }
        self.stages = stages
        self.rootsRe = rootsRe
        self.rootsIm = rootsIm
    }

    /// Transforms `re`/`im` (length `size`) in place, using `workRe`/`workIm` (same length) as scratch.
    func transform(re: UnsafeMutablePointer<Float>, im: UnsafeMutablePointer<Float>,
                   workRe: UnsafeMutablePointer<Float>, workIm: UnsafeMutablePointer<Float>) {
        var srcRe = re, srcIm = im, dstRe = workRe, dstIm = workIm
        for (index, stage) in stages.enumerated() {
            stage.twiddleRe.withUnsafeBufferPointer { twRe in
                stage.twiddleIm.withUnsafeBufferPointer { twIm in
                    let tw = (twRe.baseAddress!, twIm.baseAddress!)
                    switch stage.radix {
                    case 2: Self.radix2(stage, srcRe, srcIm, dstRe, dstIm, tw)
                    case 3: Self.radix3(stage, srcRe, srcIm, dstRe, dstIm, tw)
                    case 4: Self.radix4(stage, srcRe, srcIm, dstRe, dstIm, tw)
                    case 5: Self.radix5(stage, srcRe, srcIm, dstRe, dstIm, tw)
                    default: radixGeneric(stage, rootsRe[index], rootsIm[index], srcRe, srcIm, dstRe, dstIm, tw)
                    }
                }
            }
            swap(&srcRe, &dstRe)
            swap(&srcIm, &dstIm)
        }
        if srcRe != re {
            re.update(from: srcRe, count: size)
            im.update(from: srcIm, count: size)
        }
    }

    typealias Twiddles = (UnsafePointer<Float>, UnsafePointer<Float>)

    @inline(__always)
    private static func radix2(_ st: Stage, _ xr: UnsafeMutablePointer<Float>, _ xi: UnsafeMutablePointer<Float>,
                               _ yr: UnsafeMutablePointer<Float>, _ yi: UnsafeMutablePointer<Float>, _ tw: Twiddles) {
        let m = st.length / 2, s = st.stride
        for k in 0..<m {
            let wr = tw.0[k], wi = tw.1[k]
            for q in 0..<s {
                let i0 = q + s * k, i1 = i0 + s * m
                let ar = xr[i0], ai = xi[i0], br = xr[i1], bi = xi[i1]
                let o = q + s * 2 * k
                yr[o] = ar + br
                yi[o] = ai + bi
                let dr = ar - br, di = ai - bi
                yr[o + s] = dr * wr - di * wi
                yi[o + s] = dr * wi + di * wr
            }
        }
    }

    @inline(__always)
    private static func radix3(_ st: Stage, _ xr: UnsafeMutablePointer<Float>, _ xi: UnsafeMutablePointer<Float>,
                               _ yr: UnsafeMutablePointer<Float>, _ yi: UnsafeMutablePointer<Float>, _ tw: Twiddles) {
        let m = st.length / 3, s = st.stride
        let sin60 = Float(0.866025403784438646763723170752936183)  // sin(2π/3)
        for k in 0..<m {
            let w1r = tw.0[2 * k], w1i = tw.1[2 * k], w2r = tw.0[2 * k + 1], w2i = tw.1[2 * k + 1]
            for q in 0..<s {
                let i0 = q + s * k
                let a0r = xr[i0], a0i = xi[i0]
                let a1r = xr[i0 + s * m], a1i = xi[i0 + s * m]
                let a2r = xr[i0 + 2 * s * m], a2i = xi[i0 + 2 * s * m]
                let sr = a1r + a2r, si = a1i + a2i
                let tr = a0r - 0.5 * sr, ti = a0i - 0.5 * si
                // −i·sin60·(a1 − a2)
                let ur = sin60 * (a1i - a2i), ui = -sin60 * (a1r - a2r)
                let o = q + s * 3 * k
                yr[o] = a0r + sr
                yi[o] = a0i + si
                let b1r = tr + ur, b1i = ti + ui, b2r = tr - ur, b2i = ti - ui
                yr[o + s] = b1r * w1r - b1i * w1i
                yi[o + s] = b1r * w1i + b1i * w1r
                yr[o + 2 * s] = b2r * w2r - b2i * w2i
                yi[o + 2 * s] = b2r * w2i + b2i * w2r
            }
        }
    }

    @inline(__always)
    private static func radix4(_ st: Stage, _ xr: UnsafeMutablePointer<Float>, _ xi: UnsafeMutablePointer<Float>,
                               _ yr: UnsafeMutablePointer<Float>, _ yi: UnsafeMutablePointer<Float>, _ tw: Twiddles) {
        let m = st.length / 4, s = st.stride
        for k in 0..<m {
            let w1r = tw.0[3 * k], w1i = tw.1[3 * k]
            let w2r = tw.0[3 * k + 1], w2i = tw.1[3 * k + 1]
            let w3r = tw.0[3 * k + 2], w3i = tw.1[3 * k + 2]
            for q in 0..<s {
                let i0 = q + s * k, step = s * m
                let a0r = xr[i0], a0i = xi[i0]
                let a1r = xr[i0 + step], a1i = xi[i0 + step]
                let a2r = xr[i0 + 2 * step], a2i = xi[i0 + 2 * step]
                let a3r = xr[i0 + 3 * step], a3i = xi[i0 + 3 * step]
                let pr = a0r + a2r, pi = a0i + a2i        // a0 + a2
                let mr = a0r - a2r, mi = a0i - a2i        // a0 − a2
                let qr = a1r + a3r, qi = a1i + a3i        // a1 + a3
                let nr = a1r - a3r, ni = a1i - a3i        // a1 − a3
                let o = q + s * 4 * k
                yr[o] = pr + qr
                yi[o] = pi + qi
                // b1 = (a0 − a2) − i(a1 − a3), b2 = (a0 + a2) − (a1 + a3), b3 = (a0 − a2) + i(a1 − a3)
                let b1r = mr + ni, b1i = mi - nr
                let b2r = pr - qr, b2i = pi - qi
                let b3r = mr - ni, b3i = mi + nr
                yr[o + s] = b1r * w1r - b1i * w1i
                yi[o + s] = b1r * w1i + b1i * w1r
                yr[o + 2 * s] = b2r * w2r - b2i * w2i
                yi[o + 2 * s] = b2r * w2i + b2i * w2r
                yr[o + 3 * s] = b3r * w3r - b3i * w3i
                yi[o + 3 * s] = b3r * w3i + b3i * w3r
            }
        }
    }

    @inline(__always)
    private static func radix5(_ st: Stage, _ xr: UnsafeMutablePointer<Float>, _ xi: UnsafeMutablePointer<Float>,
                               _ yr: UnsafeMutablePointer<Float>, _ yi: UnsafeMutablePointer<Float>, _ tw: Twiddles) {
        let m = st.length / 5, s = st.stride
        // cos and sin of 2π/5 and 4π/5.
        let c1 = Float(0.309016994374947424102293417182819059)
        let c2 = Float(-0.809016994374947424102293417182819059)
        let s1 = Float(0.951056516295153572116439333379382143)
        let s2 = Float(0.587785252292473129168705954639072769)
        for k in 0..<m {
            let base = 4 * k
            for q in 0..<s {
                let i0 = q + s * k, step = s * m
                let a0r = xr[i0], a0i = xi[i0]
                let a1r = xr[i0 + step], a1i = xi[i0 + step]
                let a2r = xr[i0 + 2 * step], a2i = xi[i0 + 2 * step]
                let a3r = xr[i0 + 3 * step], a3i = xi[i0 + 3 * step]
                let a4r = xr[i0 + 4 * step], a4i = xi[i0 + 4 * step]
                let p1r = a1r + a4r, p1i = a1i + a4i, m1r = a1r - a4r, m1i = a1i - a4i
                let p2r = a2r + a3r, p2i = a2i + a3i, m2r = a2r - a3r, m2i = a2i - a3i
                // Real-cosine parts and the sine parts (to be multiplied by −i).
                let c1r = a0r + c1 * p1r + c2 * p2r, c1i = a0i + c1 * p1i + c2 * p2i
                let c2r = a0r + c2 * p1r + c1 * p2r, c2i = a0i + c2 * p1i + c1 * p2i
                let s1r = s1 * m1r + s2 * m2r, s1i = s1 * m1i + s2 * m2i
                let s2r = s2 * m1r - s1 * m2r, s2i = s2 * m1i - s1 * m2i
                // b1 = c1 − i·s1, b4 = c1 + i·s1, b2 = c2 − i·s2, b3 = c2 + i·s2;  −i·(x + iy) = y − ix
                let b1r = c1r + s1i, b1i = c1i - s1r
                let b4r = c1r - s1i, b4i = c1i + s1r
                let b2r = c2r + s2i, b2i = c2i - s2r
                let b3r = c2r - s2i, b3i = c2i + s2r
                let o = q + s * 5 * k
                yr[o] = a0r + p1r + p2r
                yi[o] = a0i + p1i + p2i
                var wr = tw.0[base], wi = tw.1[base]
                yr[o + s] = b1r * wr - b1i * wi
                yi[o + s] = b1r * wi + b1i * wr
                wr = tw.0[base + 1]; wi = tw.1[base + 1]
                yr[o + 2 * s] = b2r * wr - b2i * wi
                yi[o + 2 * s] = b2r * wi + b2i * wr
                wr = tw.0[base + 2]; wi = tw.1[base + 2]
                yr[o + 3 * s] = b3r * wr - b3i * wi
                yi[o + 3 * s] = b3r * wi + b3i * wr
                wr = tw.0[base + 3]; wi = tw.1[base + 3]
                yr[o + 4 * s] = b4r * wr - b4i * wi
                yi[o + 4 * s] = b4r * wi + b4i * wr
            }
        }
    }

    /// Any prime radix p by a direct p-point DFT (O(p²) per butterfly; only for unusual sizes).
    private func radixGeneric(_ st: Stage, _ rootRe: [Float], _ rootIm: [Float],
                              _ xr: UnsafeMutablePointer<Float>, _ xi: UnsafeMutablePointer<Float>,
                              _ yr: UnsafeMutablePointer<Float>, _ yi: UnsafeMutablePointer<Float>, _ tw: Twiddles) {
        let p = st.radix, m = st.length / p, s = st.stride
        for k in 0..<m {
            for q in 0..<s {
                let i0 = q + s * k, o = q + s * p * k
                for t in 0..<p {
                    var br: Float = 0, bi: Float = 0
                    for r in 0..<p {
                        let e = (r * t) % p
                        let ar = xr[i0 + r * s * m], ai = xi[i0 + r * s * m]
                        br += ar * rootRe[e] - ai * rootIm[e]
                        bi += ar * rootIm[e] + ai * rootRe[e]
                    }
                    if t == 0 {
                        yr[o] = br
                        yi[o] = bi
                    } else {
                        let wr = tw.0[k * (p - 1) + t - 1], wi = tw.1[k * (p - 1) + t - 1]
                        yr[o + t * s] = br * wr - bi * wi
                        yi[o + t * s] = br * wi + bi * wr
                    }
                }
            }
        }
    }
}
