/// One convolution of the VAD encoder: `inputChannels` → `outputChannels` with a `kernelSize`-wide kernel.
public struct VADConvolutionShape: Sendable, Equatable {
    public var inputChannels: Int
    public var outputChannels: Int
    public var kernelSize: Int

    public init(inputChannels: Int, outputChannels: Int, kernelSize: Int) {
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
    }
}

/// The architecture a Silero VAD GGML file declares in its header.
///
/// The network sees audio in windows of `windowSize` samples (512 = 32 ms at 16 kHz). Each window is
/// extended by `contextSize` samples at both ends and cut into short-time Fourier frames of
/// `fftSize` samples, `hopLength` apart; their magnitudes (`frequencyBins` channels) pass through the
/// encoder convolutions, one LSTM step and a final 1×1 convolution with a sigmoid.
public struct VADHyperparameters: Sendable, Equatable {
    /// Samples per window: one speech probability each.
    public var windowSize: Int
    /// Samples of context at each end of a window.
    public var contextSize: Int
    public var encoderLayers: [VADConvolutionShape]
    public var lstmInputSize: Int
    public var lstmHiddenSize: Int
    public var finalConvInput: Int
    public var finalConvOutput: Int

    /// The strides of Silero's four encoder convolutions (the file does not store them).
    public static let encoderStrides = [1, 2, 2, 1]
    /// Zero padding on each side of every encoder convolution.
    public static let encoderPadding = 1

    /// Magnitude channels of the short-time Fourier transform: `fftSize / 2 + 1`.
    public var frequencyBins: Int { encoderLayers.first?.inputChannels ?? 0 }
    /// Samples per Fourier frame (256).
    public var fftSize: Int { 2 * (frequencyBins - 1) }
    /// Samples between Fourier frames (128).
    public var hopLength: Int { fftSize / 2 }
    /// Fourier frames per window: 4 for Silero's 512 + 2·64 samples.
    public var fourierFrames: Int { (windowSize + 2 * contextSize - fftSize) / hopLength + 1 }
    /// Rows of the stored Fourier basis: the real parts of every bin, then the imaginary parts.
    public var basisRows: Int { 2 * frequencyBins }
    /// The LSTM's four gates (input, forget, cell, output), stacked.
    public var gateCount: Int { 4 * lstmHiddenSize }

    /// Checks that the network can run with these sizes; `path` names the file in the error.
    func validate(path: String) throws(VADModelError) {
        func invalid(_ name: String, _ value: Int) -> VADModelError {
            VADModelError(path: path, reason: .invalidHyperparameter(name: name, value: value))
        }
        let channels = 1...4096
        guard encoderLayers.count == Self.encoderStrides.count else {
            throw invalid("n_encoder_layers", encoderLayers.count)
        }
        for (i, layer) in encoderLayers.enumerated() {
            guard channels.contains(layer.inputChannels) else { throw invalid("encoder_in_channels[\(i)]", layer.inputChannels) }
            guard channels.contains(layer.outputChannels) else { throw invalid("encoder_out_channels[\(i)]", layer.outputChannels) }
            // The convolutions pad by one sample on each side: only a 3-wide kernel keeps the length.
            guard layer.kernelSize == 3 else { throw invalid("kernel_sizes[\(i)]", layer.kernelSize) }
            if i > 0, layer.inputChannels != encoderLayers[i - 1].outputChannels {
                throw invalid("encoder_in_channels[\(i)]", layer.inputChannels)
            }
        }
        guard frequencyBins >= 2 else { throw invalid("encoder_in_channels[0]", frequencyBins) }
        guard lstmInputSize == encoderLayers[encoderLayers.count - 1].outputChannels else {
            throw invalid("lstm_input_size", lstmInputSize)
        }
        guard channels.contains(lstmHiddenSize) else { throw invalid("lstm_hidden_size", lstmHiddenSize) }
        guard finalConvInput == lstmHiddenSize else { throw invalid("final_conv_in", finalConvInput) }
        guard finalConvOutput == 1 else { throw invalid("final_conv_out", finalConvOutput) }
        guard (1...65_536).contains(windowSize) else { throw invalid("window_size", windowSize) }
        // Reflection padding mirrors samples inside the window, so it must be shorter than the window.
        guard contextSize >= 0, contextSize < windowSize else { throw invalid("context_size", contextSize) }
        guard windowSize + 2 * contextSize >= fftSize else { throw invalid("window_size", windowSize) }
    }
}
