import Testing

@testable import Egress

@Suite("CIDR ranges and the operator allowlist")
struct CIDRTests {
    @Test(
        "valid ranges parse and contain their addresses",
        arguments: [
            ("10.20.0.0/16", "10.20.255.1", "10.21.0.0"),
            ("127.0.0.2/32", "127.0.0.2", "127.0.0.3"),
            ("0.0.0.0/0", "203.0.113.1", "::1"),
            ("fd00::/8", "fd12::1", "fe00::1"),
            ("2001:db8::/32", "2001:db8:ffff::1", "2001:db9::"),
            ("::1/128", "::1", "::2"),
            (" 192.168.0.0/24 ", "192.168.0.200", "192.168.1.0"),
        ]
    )
    func parsesValidRanges(text: String, inside: String, outside: String) throws {
        // given / when
        let range = try CIDR(parsing: text)

        // then
        #expect(range.contains(IPAddress(inside)!))
        #expect(!range.contains(IPAddress(outside)!))
    }

    @Test(
        "bad entries are errors that name the entry",
        arguments: [
            "10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/8/8", "10.0.0.1/8",
            "010.0.0.0/8", "10.0.0/8", "localhost/32", "::1/129", "fe80::/abc", "/8", "10.0.0.0/+8",
        ]
    )
    func refusesBadEntries(text: String) {
        // given / when
        let error = #expect(throws: CIDRParseError.self) { try CIDR(parsing: text) }

        // then
        #expect(error?.entry == text)
        #expect(error?.description.contains(text) == true)
    }

    @Test("the operator list is comma-separated and read from BMM_EGRESS_ALLOW_CIDRS")
    func readsOperatorList() throws {
        // given
        let environment = ["BMM_EGRESS_ALLOW_CIDRS": "10.20.0.0/16, 127.0.0.2/32,fd00::/8"]

        // when
        let ranges = try OperatorEgressAllowlist.ranges(environment: environment)

        // then
        #expect(ranges.map(\.description) == ["10.20.0.0/16", "127.0.0.2/32", "fd00::/8"])
        #expect(try OperatorEgressAllowlist.ranges(environment: [:]).isEmpty)
        #expect(try CIDR.parseList("  ").isEmpty)
    }

    @Test("one bad entry fails the whole operator list, naming that entry")
    func badOperatorEntryFailsTheList() {
        // given
        let environment = ["BMM_EGRESS_ALLOW_CIDRS": "10.20.0.0/16,10.30.0.0/33,127.0.0.2/32"]

        // when
        let error = #expect(throws: CIDRParseError.self) {
            try OperatorEgressAllowlist.ranges(environment: environment)
        }

        // then
        #expect(error?.entry == "10.30.0.0/33")
    }

    @Test("a stray comma is a bad entry")
    func strayCommaIsAnError() {
        // given / when / then
        #expect(throws: CIDRParseError.self) { try CIDR.parseList("10.0.0.0/8,") }
    }
}
