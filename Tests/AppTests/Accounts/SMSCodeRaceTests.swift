@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("SMS codes under concurrent guesses")
struct SMSCodeRaceTests {
    @Test("twenty concurrent wrong codes get exactly five tries; the right code is dead afterwards", arguments: TestDatabase.all)
    func concurrentGuesses(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a code sent to this browser
            let browser = BrowserSession(app)
            let phone = "+4178" + String(format: "%07d", Int.random(in: 0..<10_000_000))
            #expect(try await browser.postJSON("/v1/auth/sms", ["phone": phone]).status == .accepted)
            let code = String(try #require(try await latestOutboxBody(app, to: phone)).prefix(6))
            let wrong = code == "000000" ? "111111" : "000000"
            var headers: HTTPHeaders = ["Content-Type": "application/json"]
            headers.add(name: .cookie, value: browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
            if let csrf = browser.csrfCookie { headers.add(name: "X-CSRF-Token", value: csrf) }
            let sent = headers
            let body = try JSONSerialization.data(withJSONObject: ["phone": phone, "code": wrong])
            // when twenty wrong guesses arrive at once
            let answers = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        let response = try await app.testing().sendRequest(.POST, "/v1/auth/sms/verify", headers: sent, body: ByteBuffer(data: body))
                        let json = try JSONSerialization.jsonObject(with: Data(response.body.string.utf8)) as? [String: Any]
                        return json?["error"] as? String ?? "status \(response.status.code)"
                    }
                }
                return try await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
            }
            // then only the code's five tries were compared
            #expect(answers == ["wrong_code": LoginService.maxWrongCodes, "too_many_attempts": 20 - LoginService.maxWrongCodes])
            let right = try await browser.postJSON("/v1/auth/sms/verify", ["phone": phone, "code": code])
            #expect(right.status == .tooManyRequests)
            #expect(browser.sessionCookie == nil)
        }
    }
}
