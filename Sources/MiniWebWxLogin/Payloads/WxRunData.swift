/// The user's WeRun step counts, from `wx.getWeRunData`'s `encryptedData`.
public struct WxRunData: WxEncryptedPayload, Codable, Hashable {
    /// One day's steps.
    public struct StepInfo: Codable, Sendable, Hashable {
        /// The start of the day (Unix seconds).
        public let timestamp: Int
        /// The steps that day.
        public let step: Int

        /// Creates a day's steps.
        public init(timestamp: Int, step: Int) {
            self.timestamp = timestamp
            self.step = step
        }
    }

    /// The last 30 days, oldest first.
    public let stepInfoList: [StepInfo]
    /// The watermark.
    public let watermark: WxWatermark

    /// Creates step data.
    public init(stepInfoList: [StepInfo], watermark: WxWatermark) {
        self.stepInfoList = stepInfoList
        self.watermark = watermark
    }
}
