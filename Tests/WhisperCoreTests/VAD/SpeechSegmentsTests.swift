import XCTest
@testable import WhisperCore
@testable import WhisperPlatform

/// The segment state machine on hand-made probabilities (512-sample windows at 16 kHz). Expected
/// values are worked out by hand in the comments, in samples, then centiseconds.
final class SpeechSegmentsTests: XCTestCase {
    func probabilities(_ runs: [(Float, Int)]) -> [Float] {
        runs.flatMap { Array(repeating: $0.0, count: $0.1) }
    }

    func segments(_ cs: [(Int, Int)]) -> [SpeechSegment] {
        cs.map { SpeechSegment(startCentiseconds: $0.0, endCentiseconds: $0.1) }
    }

    func testNoSpeech() {
        XCTAssertEqual(SpeechSegments.detect(probabilities: [], windowSize: 512), [])
        XCTAssertEqual(SpeechSegments.detect(probabilities: probabilities([(0.49, 100)]), windowSize: 512), [])
    }

    func testOneBurst() {
        // Speech in windows 2...21: starts at 1024; silence from 11264 lasts ≥ 1600 samples by window
        // 26, so the segment is 1024..<11264; padded by 480: 544..<11744 → 3.4 → 3 cs, 73.4 → 73 cs.
        let p = probabilities([(0.1, 2), (0.9, 20), (0.1, 10)])
        XCTAssertEqual(SpeechSegments.detect(probabilities: p, windowSize: 512), segments([(3, 73)]))
    }

    func testShortBurstIsDropped() {
        // 5 windows = 2560 samples < 4000 (250 ms).
        let p = probabilities([(0.1, 2), (0.9, 5), (0.1, 10)])
        XCTAssertEqual(SpeechSegments.detect(probabilities: p, windowSize: 512), [])
        // With a 100 ms minimum it stays: 1024..<3584, padded 544..<4064 → 3 cs, 25.4 → 25 cs.
        var parameters = VADParameters()
        parameters.minSpeechDuration = 0.1
        XCTAssertEqual(SpeechSegments.detect(probabilities: p, windowSize: 512, parameters: parameters), segments([(3, 25)]))
    }

    func testHesitationBetweenThresholdsKeepsSpeechGoing() {
        // 0.4 is below the threshold but above threshold − 0.15: not silence.
        let p = probabilities([(0.9, 10), (0.4, 20), (0.9, 10), (0.0, 10)])
        // 0..<20480 (window 40), padded: 0..<20960 → 0, 131 cs.
        XCTAssertEqual(SpeechSegments.detect(probabilities: p, windowSize: 512), segments([(0, 131)]))
    }

    func testShortGapsMergeLongGapsSplit() {
        // Gap of 6 windows (3072 samples < 3200): the two bursts merge.
        var p = probabilities([(0.9, 10), (0.0, 6), (0.9, 10), (0.0, 10)])
        // 0..<13312, padded to 13792 → 0, 86.2 → 86 cs.
        XCTAssertEqual(SpeechSegments.detect(probabilities: p, windowSize: 512), segments([(0, 86)]))
        // Gap of 8 windows (4096 samples): two segments, each padded by 480:
        // 0..<5120 → 0..<5600 (35 cs); 9216..<14336 → 8736..<14816 (54.6 → 55, 92.6 → 93 cs).
        p = probabilities([(0.9, 10), (0.0, 8), (0.9, 10), (0.0, 10)])
        XCTAssertEqual(SpeechSegments.detect(probabilities: p, windowSize: 512), segments([(0, 35), (55, 93)]))
    }

    func testPaddingMeetsHalfwayWhenSegmentsAreClose() {
        // With 300 ms padding, a 4096-sample gap (< 2·4800) is split in half: each side gets 2048.
        var parameters = VADParameters()
        parameters.speechPad = 0.3
        let p = probabilities([(0.9, 10), (0.0, 8), (0.9, 10), (0.0, 20)])
        // 0..<5120 → 0..<7168 (44.8 → 45 cs); 9216..<14336 → 7168..<19136 (44.8 → 45, 119.6 → 120 cs).
        XCTAssertEqual(SpeechSegments.detect(probabilities: p, windowSize: 512, parameters: parameters),
                       segments([(0, 45), (45, 120)]))
    }

    func testSpeechRunningToTheEnd() {
        // Starts at 5120 and never ends: closes at the padded length 20480, padding clamped there.
        let p = probabilities([(0.0, 10), (0.9, 30)])
        XCTAssertEqual(SpeechSegments.detect(probabilities: p, windowSize: 512), segments([(29, 128)]))
    }

    func testMaxSpeechDurationCutsAtTheLastLongSilence() {
        // A 1 s minimum silence keeps the 8-window pause (4096 samples) from ending the speech, but it
        // is longer than 98 ms, so it is where a 2 s limit (32000 − 512 − 960 = 30528 samples) cuts:
        // at window 60 (30720 > 30528) the segment 0..<10240 is closed and speech continues from
        // 14336 (window 28) to the end, 35840. Padded: 0..<10720 (67 cs), 13856..<35840 (86.6 → 87, 224 cs).
        let p = probabilities([(0.9, 20), (0.0, 8), (0.9, 42)])
        var parameters = VADParameters()
        parameters.minSilenceDuration = 1
        XCTAssertEqual(SpeechSegments.detect(probabilities: p, windowSize: 512, parameters: parameters), segments([(0, 224)]))
        parameters.maxSpeechDuration = 2
        XCTAssertEqual(SpeechSegments.detect(probabilities: p, windowSize: 512, parameters: parameters),
                       segments([(0, 67), (87, 224)]))
    }

    func testMaxSpeechWithoutSilenceIsMergedBackLikeWhisperCpp() {
        // Continuous speech is cut at the limit with no gap; whisper.cpp's 200 ms merge then joins the
        // pieces again (0..<14848 and 15360..<30208 are 512 samples apart). The tail from 30720 is
        // too short to count. Result: 0..<30208, padded to 30688 → 0, 191.8 → 192 cs.
        var parameters = VADParameters()
        parameters.maxSpeechDuration = 1
        let p = probabilities([(0.9, 64)])
        XCTAssertEqual(SpeechSegments.detect(probabilities: p, windowSize: 512, parameters: parameters), segments([(0, 192)]))
    }

    func testThresholdParameter() {
        let p = probabilities([(0.0, 5), (0.3, 20), (0.0, 10)])
        XCTAssertEqual(SpeechSegments.detect(probabilities: p, windowSize: 512), [])
        var parameters = VADParameters()
        parameters.threshold = 0.25
        // Negative threshold is clamped to 0.1: speech 2560..<12800, padded 2080..<13280 → 13, 83 cs.
        XCTAssertEqual(SpeechSegments.detect(probabilities: p, windowSize: 512, parameters: parameters), segments([(13, 83)]))
    }

    func testCentisecondConversions() {
        XCTAssertEqual(SpeechSegments.centiseconds(samples: 80), 1)      // 0.5 cs rounds up
        XCTAssertEqual(SpeechSegments.centiseconds(samples: 79), 0)
        XCTAssertEqual(SpeechSegments.samples(centiseconds: 227), 36_320)
        XCTAssertEqual(SpeechSegment(startCentiseconds: 32, endCentiseconds: 227).duration, 1.95, accuracy: 1e-12)
    }
}

/// Packing speech together and mapping times back.
final class SpeechTimelineTests: XCTestCase {
    /// A 3 s ramp: sample i has the value i, so copies can be checked by value.
    let ramp: [Float] = (0..<48_000).map(Float.init)

    func testPackingAndMappingPoints() {
        // Segment 1: 8000..<16000, copied with 1600 samples of overlap (to 17600), then 1600 zeros;
        // segment 2: 32000..<40000. Mapping (packed cs → original cs): 0→50, 50→100 (segment 1's end),
        // 60→100 (the overlap maps onto the end), 70→200 (the silence spans the gap), 120→250.
        let segments = [SpeechSegment(startCentiseconds: 50, endCentiseconds: 100),
                        SpeechSegment(startCentiseconds: 200, endCentiseconds: 250)]
        let timeline = SpeechTimeline(samples: ramp, segments: segments, overlap: 0.1)
        XCTAssertEqual(timeline.samples.count, 9600 + 1600 + 8000)
        XCTAssertEqual(Array(timeline.samples[0..<9600]), Array(ramp[8000..<17_600]))
        XCTAssertTrue(timeline.samples[9600..<11_200].allSatisfy { $0 == 0 })
        XCTAssertEqual(Array(timeline.samples[11_200...]), Array(ramp[32_000..<40_000]))
        XCTAssertEqual(timeline.mapping.map { [$0.packed, $0.original] }, [[0, 50], [50, 100], [60, 100], [70, 200], [120, 250]])

        XCTAssertEqual(timeline.originalTime(of: 0), 0.5)
        XCTAssertEqual(timeline.originalTime(of: 0.25), 0.75)        // inside segment 1
        XCTAssertEqual(timeline.originalTime(of: 0.55), 1.0)         // in the overlap
        XCTAssertEqual(timeline.originalTime(of: 0.65), 1.5)         // halfway through the inserted silence
        XCTAssertEqual(timeline.originalTime(of: 1.0), 2.3)          // inside segment 2
        XCTAssertEqual(timeline.originalTime(of: 30), 2.5)           // past the end: the last point
        XCTAssertEqual(timeline.originalTime(of: -1), 0.5)           // before the start: the first point
    }

    func testInterpolationRoundsTowardZeroLikeWhisperCpp() {
        // The silence maps 10 packed cs onto 103 original cs: 1 cs in → 110.3 → 110.
        let segments = [SpeechSegment(startCentiseconds: 50, endCentiseconds: 100),
                        SpeechSegment(startCentiseconds: 203, endCentiseconds: 250)]
        let timeline = SpeechTimeline(samples: ramp, segments: segments)
        XCTAssertEqual(timeline.originalTime(of: 0.61), 1.10)
    }

    func testIntervalsKeepAMinimumLength() {
        let segments = [SpeechSegment(startCentiseconds: 50, endCentiseconds: 100),
                        SpeechSegment(startCentiseconds: 200, endCentiseconds: 250)]
        let timeline = SpeechTimeline(samples: ramp, segments: segments)
        // Both ends inside the overlap map to 1.0 s: the end is pushed to 1.1 s.
        let interval = timeline.originalInterval(start: 0.52, end: 0.58)
        XCTAssertEqual(interval.start, 1.0)
        XCTAssertEqual(interval.end, 1.1)
        let normal = timeline.originalInterval(start: 0.1, end: 0.9)
        XCTAssertEqual(normal.start, 0.6)
        XCTAssertEqual(normal.end, 2.2)
    }

    func testNoOverlapAndSingleSegment() {
        let one = SpeechTimeline(samples: ramp, segments: [SpeechSegment(startCentiseconds: 100, endCentiseconds: 150)], overlap: 0.1)
        // The last (only) segment gets no overlap and no silence after it.
        XCTAssertEqual(one.samples, Array(ramp[16_000..<24_000]))
        XCTAssertEqual(one.mapping.map { [$0.packed, $0.original] }, [[0, 100], [50, 150]])

        let two = SpeechTimeline(samples: ramp, segments: [SpeechSegment(startCentiseconds: 0, endCentiseconds: 50),
                                                           SpeechSegment(startCentiseconds: 100, endCentiseconds: 150)], overlap: 0)
        // Without overlap, segment 1's end and the silence's start share a packed time: one point.
        XCTAssertEqual(two.mapping.map { [$0.packed, $0.original] }, [[0, 0], [50, 50], [60, 100], [110, 150]])
        XCTAssertEqual(two.samples.count, 8000 + 1600 + 8000)
    }

    func testSegmentsBeyondTheAudioAreClamped() {
        // whisper.cpp's segments end at the padded length, which can pass the last sample.
        let timeline = SpeechTimeline(samples: ramp, segments: [SpeechSegment(startCentiseconds: 250, endCentiseconds: 320)])
        XCTAssertEqual(timeline.samples, Array(ramp[40_000...]))
        let beyond = SpeechTimeline(samples: ramp, segments: [SpeechSegment(startCentiseconds: 400, endCentiseconds: 420)])
        XCTAssertTrue(beyond.isEmpty)
    }

    func testEmpty() {
        let timeline = SpeechTimeline(samples: ramp, segments: [])
        XCTAssertTrue(timeline.isEmpty)
        XCTAssertEqual(timeline.mapping, [])
        XCTAssertEqual(timeline.originalTime(of: 1.5), 1.5)
    }
}
