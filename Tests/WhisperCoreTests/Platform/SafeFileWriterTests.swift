import Foundation
import XCTest
@testable import WhisperCore
@testable import WhisperPlatform
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The rule every file the program writes follows: a temporary file renamed into place; never over
/// a directory, a device, a symbolic link or an input; the old file untouched on any failure.
final class SafeFileWriterTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUpWithError() throws {
        dir = try TemporaryDirectory("safe-writer")
    }

    override func tearDown() {
        SafeFileWriter.unprotectAll()
        dir.remove()
    }

    func contents(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    func testReplacesARegularFileAndLeavesNoTemporary() throws {
        let path = dir.file("a.txt")
        try SafeFileWriter.write("old", to: path)
        try SafeFileWriter.write("new", to: path)
        XCTAssertEqual(contents(path), "new")
        XCTAssertEqual(dir.allFiles(), ["a.txt"])
    }

    func testCreatesMissingFolders() throws {
        try SafeFileWriter.write("x", to: dir.file("deep/er/a.txt"))
        XCTAssertEqual(contents(dir.file("deep/er/a.txt")), "x")
    }

    func testRefusesADirectoryAndKeepsIt() throws {
        try dir.write("out/keep", Data("precious".utf8))
        XCTAssertThrowsError(try SafeFileWriter.write("model", to: dir.file("out"))) { error in
            XCTAssertTrue("\(error)".contains("a directory"), "\(error)")
        }
        XCTAssertEqual(contents(dir.file("out/keep")), "precious")
    }

    func testRefusesASymbolicLinkAndADevice() throws {
        try dir.write("target.txt", Data("kept".utf8))
        XCTAssertEqual(symlink(dir.file("target.txt"), dir.file("link.txt")), 0)
        XCTAssertThrowsError(try SafeFileWriter.write("x", to: dir.file("link.txt")))
        XCTAssertEqual(contents(dir.file("target.txt")), "kept")
        XCTAssertThrowsError(try SafeFileWriter.write("x", to: "/dev/null")) { error in
            XCTAssertTrue("\(error)".contains("a device"), "\(error)")
        }
        var info = stat()
        XCTAssertEqual(stat("/dev/null", &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR, "/dev/null is still a device")
    }

    func testRefusesAnInputUnderAnyName() throws {
        try dir.write("rec.txt", Data("RIFF audio".utf8))
        SafeFileWriter.protect(dir.file("rec.txt"))
        XCTAssertThrowsError(try SafeFileWriter.write("transcript", to: dir.file("rec.txt")))
        // A hard link and a path with extra components name the same file.
        XCTAssertEqual(link(dir.file("rec.txt"), dir.file("hard.txt")), 0)
        XCTAssertThrowsError(try SafeFileWriter.write("transcript", to: dir.file("hard.txt")))
        XCTAssertThrowsError(try SafeFileWriter.write("transcript", to: dir.path + "/./rec.txt"))
        XCTAssertEqual(contents(dir.file("rec.txt")), "RIFF audio")
    }

    func testAFailingProducerLeavesTheOldFile() throws {
        struct Boom: Error {}
        let path = dir.file("a.txt")
        try SafeFileWriter.write("old", to: path)
        XCTAssertThrowsError(try SafeFileWriter.write(to: path) { sink in
            try sink.write(Array("half".utf8))
            throw Boom()
        })
        XCTAssertEqual(contents(path), "old")
        XCTAssertEqual(dir.allFiles(), ["a.txt"])
        XCTAssertEqual(SafeFileWriter.removeTemporaryFiles(), 0, "the temporary was unregistered")
    }

    func testRemovesStalePartialsOfDeadProcessesOnly() throws {
        // A pid that is certainly not running (above the kernel's maximum) and our own parent's.
        let dead = SafeFileWriter.partialName(of: "a.txt", pid: 99_999_999)
        let alive = SafeFileWriter.partialName(of: "a.txt", pid: getppid())
        try dir.write(dead, Data("stale".utf8))
        try dir.write(alive, Data("being written".utf8))
        try SafeFileWriter.write("done", to: dir.file("a.txt"))
        XCTAssertEqual(dir.allFiles(), [alive, "a.txt"].sorted())
    }

    func testEmptyNameIsRefused() {
        XCTAssertThrowsError(try SafeFileWriter.write("x", to: ""))
    }
}
