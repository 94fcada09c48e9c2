/// One quota as a labelled bar, on the dashboard and the billing page; the bar is decoration, the text says it all.
struct QuotaBar: Encodable, Sendable, Equatable {
    let label: String
    let text: String
    /// 0…100, for an SVG rectangle's width (the CSP allows no inline styles).
    let percent: Int
    let isFull: Bool

    init(label: String, used: Int, limit: Int?, unit: String) {
        self.label = label
        if let limit {
            text = "\(Self.grouped(used)) of \(Self.grouped(limit)) \(unit)"
            percent = limit > 0 ? min(100, used * 100 / limit) : 100
            isFull = used >= limit
        } else {
            text = "\(Self.grouped(used)) \(unit), no limit on this plan"
            percent = 0
            isFull = false
        }
    }

    /// 250000 → "250,000", independent of the server's locale.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }
}
