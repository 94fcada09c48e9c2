import Testing

@testable import Egress

@Suite("IP address parsing")
struct IPAddressTests {
    @Test(
        "standard spellings parse and print canonically",
        arguments: [
            ("8.8.8.8", "8.8.8.8"),
            ("0.0.0.0", "0.0.0.0"),
            ("255.255.255.255", "255.255.255.255"),
            ("::", "::"),
            ("::1", "::1"),
            ("2606:4700::1111", "2606:4700::1111"),
            ("2606:4700:0000:0000:0000:0000:0000:1111", "2606:4700::1111"),
            ("2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
            ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
            ("::ffff:127.0.0.1", "::ffff:7f00:1"),
            ("[fe80::1%eth0]", "fe80::1"),
            ("1::", "1::"),
        ]
    )
    func parsesStandardForms(input: String, canonical: String) {
        // given / when
        let address = IPAddress(input)

        // then
        #expect(address?.description == canonical)
    }

    @Test(
        "non-standard spellings are refused by the strict parser",
        arguments: [
            "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "01.2.3.4", "1.2.3.256", "1.2.3.4.", "",
            "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", ":::", "::g", "[::1", "::1]", "fe80::1%", "1.2.3.4/8",
            "::ffff:1.2.3", "+1::", "1.2.3.+4",
        ]
    )
    func refusesNonStandardForms(input: String) {
        // given / when / then
        #expect(IPAddress(input) == nil)
    }

    @Test(
        "URL hosts read every IPv4 numeric trick as the address it means",
        arguments: [
            ("127.0.0.1", "127.0.0.1"),
            ("127.1", "127.0.0.1"),
            ("127.0.1", "127.0.0.1"),
            ("2130706433", "127.0.0.1"),
            ("0x7f000001", "127.0.0.1"),
            ("0X7F000001", "127.0.0.1"),
            ("0177.0.0.1", "127.0.0.1"),
            ("0x7f.0.0.1", "127.0.0.1"),
            ("0x7f.1", "127.0.0.1"),
            ("017700000001", "127.0.0.1"),
            ("127.0.0.1.", "127.0.0.1"),
            ("0", "0.0.0.0"),
            ("0x", "0.0.0.0"),
            ("169.254.43518", "169.254.169.254"),
            ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"),
            ("2852039166", "169.254.169.254"),
            ("10.1", "10.0.0.1"),
            ("[::1]", "::1"),
            ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
            ("[fe80::1%25eth0]", "fe80::1"),
        ]
    )
    func readsNumericHosts(host: String, expected: String) {
        // given / when
        let parsed = URLHost(parsing: host)

        // then
        #expect(parsed == .address(IPAddress(expected)!))
    }

    @Test(
        "URL hosts that look numeric but are not valid IPv4 are refused, not resolved",
        arguments: [
            "256.0.0.1", "1.2.3.4.5", "4294967296", "0x100000000", "08.0.0.1", "1.2.3.09", "abc.1",
            "1.256.0.0", "[127.0.0.1]", "[::1", "a..b", ".a", "ex ample.com", "exämple.com",
            "a%2eb", "::1",
        ]
    )
    func refusesMalformedHosts(host: String) {
        // given / when / then
        #expect(URLHost(parsing: host) == nil)
    }

    @Test(
        "names are lower-cased and lose a trailing dot",
        arguments: [
            ("Example.COM", "example.com"), ("example.com.", "example.com"), ("1.2.3.example", "1.2.3.example"),
            ("0x7f.example", "0x7f.example"), ("xn--bcher-kva.de", "xn--bcher-kva.de"),
        ]
    )
    func normalisesNames(host: String, expected: String) {
        // given / when / then
        #expect(URLHost(parsing: host) == .name(expected))
    }

    @Test("bytes are in network order")
    func bytesInNetworkOrder() {
        // given
        let v4 = IPAddress("192.0.2.1")!
        let v6 = IPAddress("2001:db8::ff")!

        // when / then
        #expect(v4.bytes == [192, 0, 2, 1])
        #expect(v6.bytes == [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [0xff])
        #expect(v6.uriHost == "[2001:db8::ff]")
    }
}
