extension LogMelSpectrogram {
    /// A spectrogram with a model file's filter bank. The loader has already checked its shape
    /// (`nMels` rows of 201 bins), so this cannot fail.
    public init(filters: MelFilterbank) {
        precondition(filters.nFFTBins == Self.binCount && filters.nMels > 0
                     && filters.weights.count == filters.nMels * filters.nFFTBins,
                     "MelFilterbank shape was not validated by the model loader")
        self.init(checkedFilters: filters.weights, melCount: filters.nMels)
    }
}
