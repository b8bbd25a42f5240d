import Foundation

/// Progress of a batch on stderr.
///
/// On a terminal: a status line kept at the bottom — a bar, the percentage of the batch's audio
/// transcribed, files done, elapsed time and an estimate of the time left — redrawn as segments
/// arrive and twice a second. Elsewhere (a pipe, a log file): plain lines, one per finished file,
/// and with `-pp` a `progress = NN%` line at every 10%.
final class ProgressDisplay: @unchecked Sendable {
    enum Mode { case off, live, lines }

    let mode: Mode
    private let printPercent: Bool
    private let fileCount: Int
    private let totalAudio: Double
    private let start = Date()
    private let lock = NSLock()
    private var finishedAudio = 0.0
    private var finishedFiles = 0
    /// Audio seconds transcribed so far in files still running, by file index.
    private var running: [Int: (name: String, done: Double, duration: Double)] = [:]
    private var lastPercentPrinted = 0
    private var timer: DispatchSourceTimer?

    /// - Parameters:
    ///   - durations: each input's audio length in seconds where known beforehand (from its header).
    init(mode: Mode, printPercent: Bool, durations: [Double?]) {
        self.mode = mode
        self.printPercent = printPercent
        fileCount = durations.count
        totalAudio = durations.reduce(0) { $0 + ($1 ?? 0) }
        if mode == .live {
            let timer = DispatchSource.makeTimerSource(queue: .global())
            timer.schedule(deadline: .now() + 0.5, repeating: 0.5)
            timer.setEventHandler { [weak self] in self?.redraw() }
            timer.resume()
            self.timer = timer
        }
    }

    func fileStarted(_ index: Int, name: String, duration: Double) {
        lock.lock()
        running[index] = (name, 0, duration)
        lock.unlock()
        redraw()
    }

    /// The transcript of file `index` has reached `seconds` into its audio.
    func fileAdvanced(_ index: Int, to seconds: Double) {
        lock.lock()
        if var entry = running[index] {
            entry.done = min(max(entry.done, seconds), entry.duration)
            running[index] = entry
        }
        lock.unlock()
        redraw()
    }

    /// File `index` is finished (transcribed, failed or skipped); `audioSeconds` counts toward the total.
    func fileFinished(_ index: Int, audioSeconds: Double, report: String?) {
        lock.lock()
        running[index] = nil
        finishedFiles += 1
        finishedAudio += audioSeconds
        lock.unlock()
        if let report, mode != .off { Console.info(report) }
        redraw()
    }

    /// Removes the status line.
    func close() {
        timer?.cancel()
        timer = nil
        if mode == .live { Console.setStatusLine(nil) }
    }

    /// Fraction of the batch's audio done, 0…1.
    private func fraction() -> Double {
        let done = finishedAudio + running.values.reduce(0) { $0 + $1.done }
        if totalAudio > 0 { return min(1, done / totalAudio) }
        return fileCount > 0 ? Double(finishedFiles) / Double(fileCount) : 1
    }

    private func redraw() {
        switch mode {
        case .off:
            return
        case .lines:
            guard printPercent else { return }
            lock.lock()
            let percent = Int(fraction() * 100)
            let step = percent / 10 * 10
            let shouldPrint = step > lastPercentPrinted
            if shouldPrint { lastPercentPrinted = step }
            lock.unlock()
            if shouldPrint { Console.info("whisper-cli: progress = \(step)%") }
        case .live:
            lock.lock()
            let f = fraction()
            let elapsed = -start.timeIntervalSinceNow
            let current = running.sorted { $0.key < $1.key }.first?.value.name
            let line = Self.statusLine(fraction: f, filesDone: finishedFiles, fileCount: fileCount,
                                       elapsed: elapsed, current: current)
            lock.unlock()
            Console.setStatusLine(line)
        }
    }

    static func statusLine(fraction f: Double, filesDone: Int, fileCount: Int, elapsed: Double, current: String?) -> String {
        let width = 24
        let filled = Int(f * Double(width))
        var line = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
        line += String(format: " %3d%%", Int(f * 100))
        if fileCount > 1 { line += "  \(filesDone)/\(fileCount) files" }
        line += "  elapsed " + clock(elapsed)
        if f > 0.01 && f < 1 { line += "  ETA " + clock(elapsed * (1 - f) / f) }
        if let current { line += "  " + URL(fileURLWithPath: current).lastPathComponent }
        return String(line.prefix(terminalWidth() - 1))
    }

    /// `m:ss`, or `h:mm:ss` past an hour.
    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) }
        return String(format: "%d:%02d", s / 60, s % 60)
    }

    private static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return Int(size.ws_col) }
        return 80
    }
}
