import Testing

@testable import Egress

@Suite("Address classification")
struct AddressClassTests {
    @Test(
        "public unicast addresses are allowed",
        arguments: [
            "8.8.8.8", "1.1.1.1", "93.184.216.34", "172.15.255.255", "172.32.0.0", "100.63.255.255",
            "100.128.0.0", "192.169.0.1", "11.0.0.1", "223.255.255.255", "2606:4700::1111", "2001:4860:4860::8888",
            "2a00:1450:4001::1", "2001:200::1", "3ffe::1",
        ]
    )
    func allowsPublicAddresses(text: String) {
        // given
        let address = IPAddress(text)!

        // when / then
        #expect(address.addressClass == .publicUnicast)
        #expect(address.isAllowed(extraAllowed: []))
    }

    @Test(
        "special-purpose addresses are denied, named by range",
        arguments: [
            ("0.0.0.0", "this network"), ("0.1.2.3", "this network"),
            ("127.0.0.1", "loopback"), ("127.255.255.254", "loopback"),
            ("10.0.0.1", "private"), ("172.16.0.1", "private"), ("172.31.255.255", "private"),
            ("192.168.1.1", "private"), ("100.64.0.1", "shared address space"),
            ("100.127.255.255", "shared address space"),
            ("169.254.169.254", "link-local (cloud metadata)"), ("192.0.0.8", "IETF protocol assignments"),
            ("192.0.2.1", "documentation"), ("198.18.0.1", "benchmarking"), ("198.19.255.255", "benchmarking"),
            ("198.51.100.7", "documentation"), ("203.0.113.9", "documentation"), ("192.88.99.1", "6to4 relay anycast"),
            ("224.0.0.1", "multicast"), ("239.255.255.250", "multicast"), ("240.0.0.1", "reserved"),
            ("255.255.255.255", "broadcast"),
            ("::", "unspecified"), ("::1", "loopback"), ("::ffff:127.0.0.1", "IPv4-mapped"),
            ("::ffff:8.8.8.8", "IPv4-mapped"), ("::127.0.0.1", "IPv4-compatible"), ("64:ff9b::7f00:1", "NAT64"),
            ("64:ff9b::808:808", "NAT64"), ("64:ff9b:1::1", "NAT64 (local use)"), ("100::1", "discard-only"),
            ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"), ("2001:db8::1", "documentation"),
            ("2001:10::1", "IETF protocol assignments"), ("2002:7f00:1::", "6to4"), ("2002:808:808::1", "6to4"),
            ("3fff::1", "documentation"), ("fc00::1", "unique local"), ("fd00:ec2::254", "unique local"),
            ("fe80::1", "link-local"), ("fec0::1", "site-local"), ("ff02::1", "multicast"),
            ("4000::1", "non-global IPv6"), ("1::", "non-global IPv6"),
        ]
    )
    func deniesSpecialAddresses(text: String, range: String) {
        // given
        let address = IPAddress(text)!

        // when / then
        #expect(address.addressClass == .special(range))
        #expect(!address.isAllowed(extraAllowed: []))
    }

    @Test("an extra CIDR opens exactly its range")
    func extraCIDROpensItsRange() throws {
        // given
        let extra = [try CIDR(parsing: "10.20.0.0/16"), try CIDR(parsing: "127.0.0.2/32")]

        // when / then
        #expect(IPAddress("10.20.3.4")!.isAllowed(extraAllowed: extra))
        #expect(IPAddress("127.0.0.2")!.isAllowed(extraAllowed: extra))
        #expect(!IPAddress("10.21.0.1")!.isAllowed(extraAllowed: extra))
        #expect(!IPAddress("127.0.0.1")!.isAllowed(extraAllowed: extra))
        #expect(!IPAddress("::ffff:10.20.3.4")!.isAllowed(extraAllowed: extra))
    }
}
