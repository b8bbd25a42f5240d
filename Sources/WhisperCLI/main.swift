import Foundation
import WhisperCore

// whisper-cli: a thin command line over WhisperCore.
// Exit status: 0 success, 1 a file or the model failed, 2 usage error.

setvbuf(stdout, nil, _IOLBF, 0)
let arguments = Array(CommandLine.arguments.dropFirst())
let status: Int32
if let first = arguments.first, let command = Subcommand.named(first) {
    status = command.run(Array(arguments.dropFirst()))
} else {
    status = TranscribeCommand.run(arguments)
}
exit(status)
