/// A payload with a fast path from parsed JSON, used by ``WxDataCrypto`` instead of `JSONDecoder`
/// (see ``WxJSON`` for why). It must accept and refuse exactly what its `Decodable`
/// conformance does.
protocol WxJSONDecodable {
    init(wxJSON object: WxJSONObject) throws(WxJSONError)
}

extension WxWatermark {
    init(wxJSON object: WxJSONObject) throws(WxJSONError) {
        self.init(appid: try object.string("appid"), timestamp: try object.int("timestamp"))
    }
}

extension WxWatermarkEnvelope: WxJSONDecodable {
    init(wxJSON object: WxJSONObject) throws(WxJSONError) {
        self.init(watermark: try WxWatermark(wxJSON: try object.object("watermark")))
    }
}

extension WxUserInfo: WxJSONDecodable {
    init(wxJSON object: WxJSONObject) throws(WxJSONError) {
        self.init(
            openId: try object.string("openId"),
            unionId: try object.optionalString("unionId"),
            nickName: try object.optionalString("nickName"),
            avatarUrl: try object.optionalString("avatarUrl"),
            gender: try object.optionalInt("gender"),
            city: try object.optionalString("city"),
            province: try object.optionalString("province"),
            country: try object.optionalString("country"),
            language: try object.optionalString("language"),
            watermark: try WxWatermark(wxJSON: try object.object("watermark"))
        )
    }
}

extension WxPhoneNumber: WxJSONDecodable {
    init(wxJSON object: WxJSONObject) throws(WxJSONError) {
        let countryCode: String
        switch object["countryCode"] {
        case .string(let text)?: countryCode = text
        case .number?: countryCode = String(try object.int("countryCode"))
        default: throw WxJSONError()
        }
        self.init(
            phoneNumber: try object.string("phoneNumber"),
            purePhoneNumber: try object.string("purePhoneNumber"),
            countryCode: countryCode,
            watermark: try WxWatermark(wxJSON: try object.object("watermark"))
        )
    }
}

extension WxShareInfo: WxJSONDecodable {
    init(wxJSON object: WxJSONObject) throws(WxJSONError) {
        self.init(openGId: try object.string("openGId"), watermark: try WxWatermark(wxJSON: try object.object("watermark")))
    }
}

extension WxRunData: WxJSONDecodable {
    init(wxJSON object: WxJSONObject) throws(WxJSONError) {
        guard case .array(let days)? = object["stepInfoList"] else { throw WxJSONError() }
        var list: [StepInfo] = []
        list.reserveCapacity(days.count)
        for day in days {
            guard case .object(let fields) = day else { throw WxJSONError() }
            list.append(StepInfo(timestamp: try fields.int("timestamp"), step: try fields.int("step")))
        }
        self.init(stepInfoList: list, watermark: try WxWatermark(wxJSON: try object.object("watermark")))
    }
}
