import Foundation
import WhisperCore

/// Checksums of whole files, read in 4 MiB pieces (model files are gigabytes).
public enum FileDigest {
    public enum Algorithm: String, Sendable {
        case sha256 = "sha256"
        case sha1 = "sha1"
    }

    /// Lowercase hex digest of the file at `path`. `progress` receives the bytes read so far.
    /// Throws `ModelLoadError.cannotOpen` if the file cannot be read.
    public static func hex(ofFile path: String, algorithm: Algorithm,
                           progress: ((Int64) -> Void)? = nil) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ModelLoadError(path: path, reason: .cannotOpen("cannot read the file"))
        }
        defer { try? handle.close() }
        var sha256 = SHA256()
        var sha1 = SHA1()
        var total: Int64 = 0
        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: 4 << 20) ?? Data()
            } catch {
                throw ModelLoadError(path: path, reason: .cannotOpen("read failed: \(error.localizedDescription)"))
            }
            if chunk.isEmpty { break }
            chunk.withUnsafeBytes { bytes in
                switch algorithm {
                case .sha256: sha256.update(bytes)
                case .sha1: sha1.update(bytes)
                }
            }
            total += Int64(chunk.count)
            progress?(total)
        }
        return algorithm == .sha256 ? sha256.hexDigest() : sha1.hexDigest()
    }
}
