import Core
import Testing
@testable import Sandbox

@Suite("ctx.content: images, audio, resource links and mixed arrays through real workers")
struct ContentTests {
    @Test func anImageAloneIsSentAsContent() async throws {
        try await withPool { pool in
            // when
            let outcome = await pool.run("return ctx.content.image('iVBORw0KGgo=', 'image/png')")
            // then
            #expect(outcome.isContent)
            #expect(outcome.value == [["type": "image", "data": "iVBORw0KGgo=", "mimeType": "image/png"]])
        }
    }

    @Test func mixedArraysKeepTheirOrderAndBytesBecomeBase64() async throws {
        try await withPool { pool in
            // when
            let outcome = await pool.run("""
                return [
                  "Here:",
                  ctx.content.audio(new Uint8Array([82, 73, 70, 70]), "audio/wav"),
                  ctx.content.resourceLink("https://example.com/r.pdf", "Report", { mimeType: "application/pdf", ignored: 1 }),
                  ctx.content.text("done"),
                  { type: "car", n: 1 },
                  null,
                ];
                """)
            // then
            #expect(outcome.isContent)
            #expect(outcome.value == [
                ["type": "text", "text": "Here:"],
                ["type": "audio", "data": "UklGRg==", "mimeType": "audio/wav"],
                ["type": "resource_link", "uri": "https://example.com/r.pdf", "name": "Report", "mimeType": "application/pdf"],
                ["type": "text", "text": "done"],
                ["type": "text", "text": #"{"type":"car","n":1}"#],
            ], "plain values of a mixed array become text, even when shaped like an item")
        }
    }

    @Test func dataThatMerelyLooksLikeContentStaysAValue() async throws {
        try await withPool { pool in
            // when
            let outcome = await pool.run("return [{ type: 'image', data: 'x', mimeType: 'image/png' }]")
            // then
            #expect(!outcome.isContent)
            #expect(outcome.value == [["type": "image", "data": "x", "mimeType": "image/png"]])
        }
    }

    @Test func dataOfTheWrongKindIsAToolError() async throws {
        try await withPool { pool in
            // when
            let outcome = await pool.run("return ctx.content.image(42, 'image/png')")
            // then
            #expect(outcome.failure == .thrown("TypeError: ctx.content.image: data must be a base64 string or bytes"))
        }
    }

    @Test func aMixedArrayThatCannotBeSerialisedIsAToolError() async throws {
        try await withPool { pool in
            // when
            let outcome = await pool.run("const loop = {}; loop.self = loop; return [ctx.content.text('x'), loop]")
            // then
            guard case .thrown(let message)? = outcome.failure else { Issue.record("expected a thrown failure, got \(outcome.result)"); return }
            #expect(message.hasPrefix("TypeError"))
        }
    }

    @Test func contentLargerThanTheResultLimitIsRefused() async throws {
        try await withPool { pool in
            // given
            var limits = SandboxLimits.standard
            limits.maxResultBytes = 1024
            // when
            let outcome = await pool.run("return ctx.content.image('A'.repeat(2048), 'image/png')", limits: limits)
            // then
            #expect(outcome.failure == .resultTooLarge)
        }
    }
}
