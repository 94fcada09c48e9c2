import Core
import Foundation

/// The checks a template passes before anything becomes public: the spec's own scan
/// (banned patterns, credentials, text aimed at the model) with the source server's
/// stored secret values, and the listing's texts for credentials and those values.
/// Findings name the field and the kind; none repeats a secret.
enum PublishScan {
    static func findings(spec: ServerSpec, listing: TemplateListingText, secretValues: [String]) -> [SpecFinding] {
        SpecScanner.findings(in: spec, secretValues: secretValues) + findings(listing: listing, secretValues: secretValues)
    }

    static func findings(listing: TemplateListingText, secretValues: [String]) -> [SpecFinding] {
        var findings: [SpecFinding] = []
        let values = Set(secretValues.filter { $0.count >= CodeScanner.minimumSecretValueLength })
        for (path, text) in listing.texts {
            for secret in SecretScanner.findings(in: text) {
                findings.append(SpecFinding(path: path, kind: .leakedSecret,
                                            message: "contains what looks like a credential, \(secret.label) (\(secret.redacted)); a listing never carries credentials"))
            }
            if values.contains(where: { text.contains($0) }) {
                findings.append(SpecFinding(path: path, kind: .leakedSecretValue,
                                            message: "contains the value of one of this server's secrets; secret values never leave your workspace"))
            }
        }
        return findings
    }
}

/// Publishing refused by the scanners: 422 `publish_blocked` with every finding.
struct PublishBlocked: Error, Sendable {
    let findings: [SpecFinding]

    var message: String {
        let count = findings.count == 1 ? "1 problem" : "\(findings.count) problems"
        return "Publishing is blocked: the scan found \(count). Fix them (code changes need a new build) and publish again."
    }

    struct Body: Encodable {
        let error = "publish_blocked"
        let message: String
        let findings: [SpecFinding]
    }

    var body: Body { Body(message: message, findings: findings) }
}
