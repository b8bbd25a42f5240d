// The WASI preview-1 calls the module uses, and small safe wrappers over them.
// (`@_extern(c)` gives the imports C's calling convention, which the host expects.)

@_extern(wasm, module: "wasi_snapshot_preview1", name: "args_sizes_get") @_extern(c)
func wasi_args_sizes_get(_ argc: UnsafeMutablePointer<UInt32>, _ bufferSize: UnsafeMutablePointer<UInt32>) -> UInt16
@_extern(wasm, module: "wasi_snapshot_preview1", name: "args_get") @_extern(c)
func wasi_args_get(_ argv: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, _ buffer: UnsafeMutablePointer<UInt8>) -> UInt16
@_extern(wasm, module: "wasi_snapshot_preview1", name: "fd_write") @_extern(c)
func wasi_fd_write(_ fd: Int32, _ iovs: UnsafeRawPointer, _ count: Int32, _ written: UnsafeMutablePointer<UInt32>) -> UInt16
@_extern(wasm, module: "wasi_snapshot_preview1", name: "fd_read") @_extern(c)
func wasi_fd_read(_ fd: Int32, _ iovs: UnsafeRawPointer, _ count: Int32, _ read: UnsafeMutablePointer<UInt32>) -> UInt16
@_extern(wasm, module: "wasi_snapshot_preview1", name: "fd_close") @_extern(c)
func wasi_fd_close(_ fd: Int32) -> UInt16
@_extern(wasm, module: "wasi_snapshot_preview1", name: "fd_seek") @_extern(c)
func wasi_fd_seek(_ fd: Int32, _ offset: Int64, _ whence: UInt8, _ position: UnsafeMutablePointer<UInt64>) -> UInt16
@_extern(wasm, module: "wasi_snapshot_preview1", name: "fd_filestat_get") @_extern(c)
func wasi_fd_filestat_get(_ fd: Int32, _ stat: UnsafeMutableRawPointer) -> UInt16
@_extern(wasm, module: "wasi_snapshot_preview1", name: "fd_prestat_get") @_extern(c)
func wasi_fd_prestat_get(_ fd: Int32, _ prestat: UnsafeMutableRawPointer) -> UInt16
@_extern(wasm, module: "wasi_snapshot_preview1", name: "fd_prestat_dir_name") @_extern(c)
func wasi_fd_prestat_dir_name(_ fd: Int32, _ path: UnsafeMutablePointer<UInt8>, _ length: UInt32) -> UInt16
@_extern(wasm, module: "wasi_snapshot_preview1", name: "path_open") @_extern(c)
func wasi_path_open(_ directory: Int32, _ lookupFlags: UInt32, _ path: UnsafePointer<UInt8>, _ pathLength: UInt32,
                    _ openFlags: UInt16, _ rightsBase: UInt64, _ rightsInheriting: UInt64, _ fdFlags: UInt16,
                    _ fd: UnsafeMutablePointer<Int32>) -> UInt16
@_extern(wasm, module: "wasi_snapshot_preview1", name: "path_rename") @_extern(c)
func wasi_path_rename(_ fd: Int32, _ old: UnsafePointer<UInt8>, _ oldLength: UInt32,
                      _ newFd: Int32, _ new: UnsafePointer<UInt8>, _ newLength: UInt32) -> UInt16
@_extern(wasm, module: "wasi_snapshot_preview1", name: "path_unlink_file") @_extern(c)
func wasi_path_unlink_file(_ fd: Int32, _ path: UnsafePointer<UInt8>, _ length: UInt32) -> UInt16
@_extern(wasm, module: "wasi_snapshot_preview1", name: "clock_time_get") @_extern(c)
func wasi_clock_time_get(_ id: UInt32, _ precision: UInt64, _ time: UnsafeMutablePointer<UInt64>) -> UInt16
@_extern(wasm, module: "wasi_snapshot_preview1", name: "proc_exit") @_extern(c)
func wasi_proc_exit(_ code: Int32)

enum WASI {
    /// The command-line arguments, the program's name first.
    static func arguments() -> [String] {
        var count: UInt32 = 0, size: UInt32 = 0
        guard wasi_args_sizes_get(&count, &size) == 0, count > 0 else { return [] }
        var pointers = [UnsafeMutablePointer<UInt8>?](repeating: nil, count: Int(count))
        var buffer = [UInt8](repeating: 0, count: Int(size) + 1)
        var result: [String] = []
        buffer.withUnsafeMutableBufferPointer { bytes in
            pointers.withUnsafeMutableBufferPointer { argv in
                guard wasi_args_get(argv.baseAddress!, bytes.baseAddress!) == 0 else { return }
                for p in argv {
                    guard let p else { continue }
                    var n = 0
                    while p[n] != 0 { n += 1 }
                    result.append(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
                }
            }
        }
        return result
    }

    /// Writes all of `bytes` to `fd`; false on an error.
    @discardableResult
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            var iov: (UInt32, UInt32) = (UInt32(UInt(bitPattern: bytes.baseAddress! + offset)), UInt32(bytes.count - offset))
            var written: UInt32 = 0
            let status = withUnsafePointer(to: &iov) { wasi_fd_write(fd, UnsafeRawPointer($0), 1, &written) }
            if status != 0 || written == 0 { return false }
            offset += Int(written)
        }
        return true
    }

    @discardableResult
    static func write(_ fd: Int32, _ text: String) -> Bool {
        var text = text
        return text.withUTF8 { write(fd, UnsafeRawBufferPointer($0)) }
    }

    /// Reads up to `buffer.count` bytes; nil on an error (with the errno).
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> (Int, UInt16) {
        guard buffer.count > 0 else { return (0, 0) }
        var iov: (UInt32, UInt32) = (UInt32(UInt(bitPattern: buffer.baseAddress!)), UInt32(buffer.count))
        var got: UInt32 = 0
        let status = withUnsafePointer(to: &iov) { wasi_fd_read(fd, UnsafeRawPointer($0), 1, &got) }
        return (Int(got), status)
    }

    /// Seconds on the monotonic clock.
    static func seconds() -> Double {
        var nanoseconds: UInt64 = 0
        _ = wasi_clock_time_get(1, 1000, &nanoseconds)
        return Double(nanoseconds) / 1e9
    }

    // MARK: paths

    /// The preopened directories: descriptor and name, found once (descriptors 3, 4, ... until the
    /// first that is not one).
    nonisolated(unsafe) static var preopens: [(fd: Int32, path: String)]? = nil

    static func preopenedDirectories() -> [(fd: Int32, path: String)] {
        if let preopens { return preopens }
        var found: [(fd: Int32, path: String)] = []
        var fd: Int32 = 3
        while true {
            var prestat: (UInt32, UInt32) = (0, 0)        // tag (0: directory), name length
            let status = withUnsafeMutablePointer(to: &prestat) { wasi_fd_prestat_get(fd, UnsafeMutableRawPointer($0)) }
            if status != 0 { break }
            if prestat.0 == 0 {
                var name = [UInt8](repeating: 0, count: Int(prestat.1))
                let ok = name.withUnsafeMutableBufferPointer { wasi_fd_prestat_dir_name(fd, $0.baseAddress!, prestat.1) == 0 }
                if ok {
                    var path = String(decoding: name.prefix { $0 != 0 }, as: UTF8.self)
                    while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
                    found.append((fd, path))
                }
            }
            fd += 1
        }
        preopens = found
        return found
    }

    /// The preopened directory that holds `path` and the path relative to it.
    static func resolve(_ path: String) -> (fd: Int32, relative: String)? {
        var best: (fd: Int32, relative: String, length: Int)?
        for (fd, dir) in preopenedDirectories() {
            var relative: String?
            if dir == "." {
                if !path.hasPrefix("/") { relative = path.hasPrefix("./") ? String(path.dropFirst(2)) : path }
            } else if dir == "/" {
                if path.hasPrefix("/") { relative = String(path.dropFirst()) }
            } else if path == dir {
                relative = "."
            } else if path.hasPrefix(dir + "/") {
                relative = String(path.dropFirst(dir.count + 1))
            }
            if let relative, best == nil || dir.count > best!.length {
                best = (fd, relative.isEmpty ? "." : relative, dir.count)
            }
        }
        return best.map { ($0.fd, $0.relative) }
    }

    static let rightsRead: UInt64 = 1 << 1 | 1 << 2 | 1 << 5 | 1 << 21   // fd_read, fd_seek, fd_tell, fd_filestat_get
    static let rightsWrite: UInt64 = 1 << 6 | 1 << 21                    // fd_write, fd_filestat_get

    /// Opens `path` for reading or (created, truncated) for writing; the errno on failure.
    static func open(_ path: String, write: Bool = false) -> (fd: Int32?, errno: UInt16) {
        guard let (directory, relative) = resolve(path) else { return (nil, 76) }   // ENOTCAPABLE
        var fd: Int32 = -1
        var name = relative
        let status = name.withUTF8 { bytes in
            wasi_path_open(directory, 1, bytes.baseAddress!, UInt32(bytes.count),
                           write ? (1 | 8) : 0,                      // O_CREAT | O_TRUNC
                           write ? rightsWrite : rightsRead, 0, 0, &fd)
        }
        return status == 0 ? (fd, 0) : (nil, status)
    }

    static func close(_ fd: Int32) { _ = wasi_fd_close(fd) }

    /// The size of the open file `fd`, if it is a regular file.
    static func fileSize(_ fd: Int32) -> Int? {
        var stat = [UInt64](repeating: 0, count: 8)           // filestat: 64 bytes
        let status = stat.withUnsafeMutableBytes { wasi_fd_filestat_get(fd, $0.baseAddress!) }
        guard status == 0 else { return nil }
        let type = UInt8(truncatingIfNeeded: stat[2])           // filetype at offset 16
        guard type == 4 else { return nil }                      // regular file
        return Int(exactly: stat[4])                            // size at offset 32
    }

    static func rename(_ old: String, _ new: String) -> UInt16 {
        guard let (fromDir, from) = resolve(old), let (toDir, to) = resolve(new) else { return 76 }
        var a = from, b = to
        return a.withUTF8 { x in b.withUTF8 { y in
            wasi_path_rename(fromDir, x.baseAddress!, UInt32(x.count), toDir, y.baseAddress!, UInt32(y.count))
        } }
    }

    static func unlink(_ path: String) {
        guard let (directory, relative) = resolve(path) else { return }
        var name = relative
        _ = name.withUTF8 { wasi_path_unlink_file(directory, $0.baseAddress!, UInt32($0.count)) }
    }

    /// A message for a WASI errno, as the C library says it (the common ones).
    static func describe(_ errno: UInt16) -> String {
        switch errno {
        case 2: return "Permission denied"
        case 8: return "Bad file descriptor"
        case 20: return "File exists"
        case 28: return "Invalid argument"
        case 29: return "I/O error"
        case 31: return "Is a directory"
        case 44: return "No such file or directory"
        case 48: return "Out of memory"
        case 54: return "Not a directory"
        case 63: return "Operation not permitted"
        case 76: return "not in a directory the host gave the module (wasmtime/wasmkit: --dir)"
        default: return "error \(errno)"
        }
    }
}
