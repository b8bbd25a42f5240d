import Foundation
import WhisperCore
import WhisperPlatform

/// Finds a model file from what `-m` was given: a path, or a model name (`base.en`,
/// `ggml-base.en.bin`) looked up as `ggml-NAME.bin` in the model folders.
enum ModelLocator {
    struct NotFound: Error, CustomStringConvertible {
        let name: String
        let searched: [String]
        var description: String {
            "model '\(name)' is not downloaded (looked for ggml-\(name).bin in \(searched.joined(separator: ", "))); "
                + "fetch it with: whisper-cli models download \(name)"
        }
    }

    /// Folders searched for models by name, in order: `$WHISPER_MODELS_DIR`, `./Models`, `./models`,
    /// and `Models/` of the package the binary was built in (for `.build/release/whisper-cli`).
    static var searchDirectories: [String] {
        var directories: [String] = []
        if let env = ProcessInfo.processInfo.environment["WHISPER_MODELS_DIR"], !env.isEmpty { directories.append(env) }
        directories += ["Models", "models"]
        // The package the binary was built in: the nearest folder above it holding Package.swift.
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                directories.append(folder.appendingPathComponent("Models").path)
                break
            }
            folder.deleteLastPathComponent()
        }
        return directories
    }

    /// The folder `whisper-cli models` lists and downloads into: `--models-dir`, else
    /// `$WHISPER_MODELS_DIR`, else `./Models`.
    static func modelsDirectory(_ explicit: String?) -> String {
        if let explicit { return explicit }
        if let env = ProcessInfo.processInfo.environment["WHISPER_MODELS_DIR"], !env.isEmpty { return env }
        return "Models"
    }

    static func resolve(_ argument: String) throws -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), !isDirectory.boolValue {
            return argument
        }
        // A path (with a folder) that does not exist: let the loader report it.
        if argument.contains("/") { return argument }
        let name = KnownModels.named(argument)?.name ?? argument
        let fileName = argument.hasSuffix(".bin") ? argument : "ggml-\(name).bin"
        for directory in searchDirectories {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent(fileName).path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        if KnownModels.named(argument) != nil { throw NotFound(name: name, searched: searchDirectories) }
        return argument
    }
}

/// `whisper-cli models [--models-dir DIR] [--tsv]`, `models download NAME...`, `models verify NAME...`.
enum ModelsCommand {
    static let usage = """
        usage: whisper-cli models [--models-dir DIR] [--tsv]   list the published models and which are present
               whisper-cli models download NAME... [--models-dir DIR]
                                                           fetch models into DIR (default: $WHISPER_MODELS_DIR or ./Models)
               whisper-cli models verify NAME... [--models-dir DIR]
                                                           check downloaded models against their checksums

        Downloads use curl from the public whisper.cpp model host ($WHISPER_MODEL_BASE_URL overrides it),
        resume an interrupted download (NAME.bin.part), and are checked against the published SHA-256
        (SHA-1 where no SHA-256 is known) before they are moved into place.
        exit status: 0 success; 1 a download or check failed; 2 usage error.
        """

    static func run(_ arguments: [String]) -> Int32 {
        var positional: [String] = []
        var directory: String?
        var tsv = false
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            switch argument {
            case "-h", "--help":
                Console.output(usage + "\n")
                return 0
            case "--models-dir":
                guard index < arguments.count else { Console.error("--models-dir needs a folder"); return 2 }
                directory = arguments[index]
                index += 1
            case "--tsv":
                tsv = true
            default:
                if argument.hasPrefix("-") {
                    Console.error("models: unknown option '\(argument)'\n" + usage)
                    return 2
                }
                positional.append(argument)
            }
        }
        let folder = ModelLocator.modelsDirectory(directory)
        guard let action = positional.first, action != "list" else {
            list(folder: folder, tsv: tsv)
            return 0
        }
        let names = Array(positional.dropFirst())
        guard action == "download" || action == "verify" else {
            Console.error("models: unknown action '\(action)' (list, download, verify)")
            return 2
        }
        guard !names.isEmpty else {
            Console.error("models \(action): name a model (see 'whisper-cli models')")
            return 2
        }
        var models: [KnownModel] = []
        for name in names {
            guard let model = KnownModels.named(name) else {
                Console.error("unknown model '\(name)'; known: " + KnownModels.all.map(\.name).joined(separator: ", "))
                return 2
            }
            models.append(model)
        }
        var failed = false
        for model in models {
            do {
                if action == "download" {
                    try ModelDownloader(model: model, folder: folder).download()
                } else {
                    let path = URL(fileURLWithPath: folder).appendingPathComponent(model.fileName).path
                    guard FileManager.default.fileExists(atPath: path) else {
                        throw DownloadError(description: "\(path): not downloaded")
                    }
                    try ModelDownloader.verify(path, as: model)
                    Console.info("\(path): OK (\(model.checksum.algorithm.rawValue) matches \(model.name))")
                }
            } catch {
                Console.error("\(error)")
                failed = true
            }
        }
        return failed ? 1 : 0
    }

    static func list(folder: String, tsv: Bool) {
        if tsv {
            Console.output("name\tbytes\tsha256\tsha1\tenglish_only\tsize\n")
            for m in KnownModels.all {
                Console.output("\(m.name)\t\(m.bytes.map(String.init) ?? "-")\t\(m.sha256 ?? "-")\t\(m.sha1)\t\(m.isEnglishOnly ? "yes" : "no")\t\(m.approximateSize)\n")
            }
            return
        }
        func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count) }
        Console.output("Models published for whisper.cpp (fetch one with: whisper-cli models download NAME); folder: \(folder)\n\n")
        Console.output(pad("NAME", 21) + pad("SIZE", 9) + pad("LANGUAGE", 10) + pad("PRESENT", 12) + "CHECKSUM\n")
        for m in KnownModels.all {
            let checksum = m.sha256.map { "sha256 " + $0 } ?? "sha1   " + m.sha1
            Console.output(pad(m.name, 21) + pad(m.approximateSize, 9) + pad(m.isEnglishOnly ? "English" : "multi", 10)
                           + pad(presence(of: m, in: folder), 12) + checksum + "\n")
        }
        Console.output("\nSHA-256 and exact sizes are given where public sources agree on them; the other models are\nchecked against the SHA-1 the model host publishes.\n")
    }

    /// `yes`, `wrong size`, `partial NN%` or `-`.
    static func presence(of model: KnownModel, in folder: String) -> String {
        let path = URL(fileURLWithPath: folder).appendingPathComponent(model.fileName).path
        if let size = fileSize(path) {
            if let bytes = model.bytes, bytes != size { return "wrong size" }
            return "yes"
        }
        if let partial = fileSize(path + ".part") {
            if let bytes = model.bytes, bytes > 0 { return "partial \(Int(Double(partial) / Double(bytes) * 100))%" }
            return "partial"
        }
        return "-"
    }

    /// The size of the file at `path` (following symbolic links); nil if there is none.
    static func fileSize(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int64(info.st_size)
    }
}

struct DownloadError: Error, CustomStringConvertible {
    let description: String
}

/// Fetches one published model with curl: into `NAME.bin.part` (continuing a partial one), then
/// checks its size and checksum and renames it to `ggml-NAME.bin`. Without network it fails within
/// the connect timeout, with a message saying so.
struct ModelDownloader {
    let model: KnownModel
    let folder: String
    /// Seconds curl may take to connect (name resolution included).
    static let connectTimeout = 10

    var destination: String { URL(fileURLWithPath: folder).appendingPathComponent(model.fileName).path }
    var partial: String { destination + ".part" }

    func download() throws {
        let base = ProcessInfo.processInfo.environment["WHISPER_MODEL_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? KnownModels.baseURL
        let url = model.url(baseURL: base)
        // An existing destination (a file, or a link to one) is only verified, never written. The
        // download goes to NAME.bin.part, kept between runs so a rerun resumes, and is renamed into
        // place when verified: neither may be a directory, a device or a pipe (SafeFileWriter's rule).
        if FileManager.default.fileExists(atPath: destination) {
            do {
                try Self.verify(destination, as: model)
                Console.info("\(destination): already present and verified")
                return
            } catch {
                throw DownloadError(description: "\(error) — remove the file to download it again")
            }
        }
        do {
            try SafeFileWriter.checkTarget(destination)
            try SafeFileWriter.checkTarget(partial)
        } catch {
            throw DownloadError(description: "\(error)")
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw DownloadError(description: "cannot create the folder \(folder): \(error.localizedDescription)")
        }
        guard let curl = Self.findExecutable("curl") else {
            throw DownloadError(description: "curl is needed to download models; install it, or fetch \(url) into \(destination) by hand")
        }
        let resuming = ModelsCommand.fileSize(partial).map { $0 > 0 } ?? false
        Console.info("Downloading \(model.name) (\(model.approximateSize)) from \(url)" + (resuming ? " (resuming)" : ""))
        let complete = model.bytes != nil && ModelsCommand.fileSize(partial) == model.bytes
        if !complete {
            let status = try runCurl(curl, url: url)
            if status != 0 {
                // A server refusing to resume a finished file is no failure if the file checks out.
                if status == 22 || status == 33, (try? Self.verify(partial, as: model)) != nil {
                    try moveIntoPlace()
                    return
                }
                throw DownloadError(description: "downloading \(url) failed: " + Self.explain(curlStatus: status)
                                    + (ModelsCommand.fileSize(partial).map { $0 > 0 } ?? false ? " (the partial download is kept in \(partial); run the command again to resume)" : ""))
            }
        }
        do {
            try Self.verify(partial, as: model)
        } catch {
            unlink(partial)
            throw DownloadError(description: "\(error); the download was deleted")
        }
        try moveIntoPlace()
    }

    private func moveIntoPlace() throws {
        guard rename(partial, destination) == 0 else {
            throw DownloadError(description: "cannot rename \(partial) to \(destination): \(String(cString: strerror(errno)))")
        }
        Console.info("\(destination): downloaded and verified (\(model.checksum.algorithm.rawValue))")
    }

    private func runCurl(_ curl: String, url: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: curl)
        var arguments = ["--fail", "--location", "--connect-timeout", String(Self.connectTimeout),
                         // Give up on a stalled transfer (under 1 kB/s for a minute); a rerun resumes.
                         "--speed-limit", "1024", "--speed-time", "60",
                         "--continue-at", "-", "--output", partial]
        arguments += Console.isTerminal(2) ? ["--progress-bar"] : ["--silent", "--show-error"]
        arguments.append(url)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw DownloadError(description: "cannot run \(curl): \(error.localizedDescription)")
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Checks size (where known) and checksum; throws a message naming the file and the mismatch.
    static func verify(_ path: String, as model: KnownModel) throws {
        if let bytes = model.bytes, let size = ModelsCommand.fileSize(path), size != bytes {
            throw DownloadError(description: "\(path): \(size) bytes, but \(model.name) has \(bytes)")
        }
        let (algorithm, expected) = model.checksum
        let actual = try FileDigest.hex(ofFile: path, algorithm: algorithm)
        guard actual == expected else {
            throw DownloadError(description: "\(path): \(algorithm.rawValue) \(actual) does not match \(model.name)'s \(expected)")
        }
    }

    static func explain(curlStatus status: Int32) -> String {
        switch status {
        case 5, 6: return "cannot resolve the host name (no internet connection?)"
        case 7: return "cannot connect to the server (no internet connection, or a firewall?)"
        case 28: return "timed out (no internet connection, or the network is too slow?)"
        case 22: return "the server answered with an error (model not found, or host unavailable)"
        case 23: return "cannot write the file (disk full or folder not writable?)"
        case 35, 60: return "TLS/SSL problem talking to the server"
        default: return "curl exited with status \(status)"
        }
    }

    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
