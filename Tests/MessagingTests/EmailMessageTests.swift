import Messaging
import Testing

@Suite("An email's subject is one header line")
struct EmailMessageTests {
    @Test("line breaks and other controls in a subject become spaces; everything else is kept")
    func oneLine() {
        let message = EmailMessage(to: "a@example.com", subject: "Ada invited you to Team\r\nBcc: b@example.com\u{2028}x\ty", text: "Hi\nthere")
        #expect(message.subject == "Ada invited you to Team  Bcc: b@example.com x y")
        #expect(message.text == "Hi\nthere", "the body keeps its lines")
        #expect(EmailMessage(to: "a@example.com", subject: "Zoë’s workspace 👩‍💻", text: "").subject == "Zoë’s workspace 👩‍💻")
    }
}
