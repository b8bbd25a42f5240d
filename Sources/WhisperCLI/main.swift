import Foundation
import WhisperCore
import WhisperPlatform

// whisper-cli: a thin command line over WhisperCore.
// Exit status: 0 success (and complete output), 1 a file, the model or the output failed,
// 2 usage error; 129/130/143 after SIGHUP/SIGINT/SIGTERM.

Console.occupyClosedStandardDescriptors()
PlatformHost.install()
InterruptHandler.install()
let arguments = Array(CommandLine.arguments.dropFirst())
var status: Int32
if let first = arguments.first, let command = Subcommand.named(first) {
    status = command.run(Array(arguments.dropFirst()))
} else {
    status = TranscribeCommand.run(arguments)
}
if status == 0 && Console.standardErrorFailed { status = 1 }
exit(status)
