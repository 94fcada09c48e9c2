import Testing

@testable import Egress

@Suite("Host allowlist")
struct HostAllowlistTests {
    @Test(
        "hosts are matched exactly, by wildcard or by *",
        arguments: [
            (["api.example.com"], "api.example.com", true),
            (["api.example.com"], "API.Example.COM.", true),
            (["API.example.com."], "api.example.com", true),
            (["api.example.com"], "example.com", false),
            (["api.example.com"], "x.api.example.com", false),
            (["api.example.com"], "api.example.com.evil.com", false),
            (["*.example.com"], "a.example.com", true),
            (["*.example.com"], "a.b.c.example.com", true),
            (["*.example.com"], "example.com", false),
            (["*.example.com"], "badexample.com", false),
            (["*.example.com"], "example.com.evil.com", false),
            (["*"], "anything.test", true),
            (["*"], "127.0.0.1", true),
            (["93.184.216.34"], "1572395042", true),
            (["[2606:4700::1111]"], "[2606:4700:0::1111]", true),
            (["2606:4700::1111"], "[2606:4700::1111]", true),
            ([], "example.com", false),
            (["", "*.", "foo.*.com", "exa mple.com"], "example.com", false),
        ]
    )
    func matches(entries: [String], host: String, allowed: Bool) {
        // given
        let allowlist = HostAllowlist(entries)
        let parsed = URLHost(parsing: host)!

        // when / then
        #expect(allowlist.allows(parsed) == allowed)
    }
}
