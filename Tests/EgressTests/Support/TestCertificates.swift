import NIOSSL

/// A throwaway root and a leaf for `egress.test` signed by it (P-256, valid 2020–2120). The key exists only for
/// these tests; nothing trusts this root outside them.
enum TestCertificates {
    static let rootPEM = """
        -----BEGIN CERTIFICATE-----
        MIIBfzCCASWgAwIBAgIUd9wTdCQGgrlON0JzeDSTB7x7kiIwCgYIKoZIzj0EAwIw
        GzEZMBcGA1UEAwwQRWdyZXNzIFRlc3QgUm9vdDAgFw0yMDAxMDEwMDAwMDBaGA8y
        MTIwMDEwMTAwMDAwMFowGzEZMBcGA1UEAwwQRWdyZXNzIFRlc3QgUm9vdDBZMBMG
        ByqGSM49AgEGCCqGSM49AwEHA0IABGU8i3NFnZH5GQBW+P8z1sKFfYm8q3om3YFq
        rHonazCw0AzvXX4PwvDWtUoCVI1SyOD2OiPqw+Jf/b2xvIq6e2mjRTBDMBIGA1Ud
        EwEB/wQIMAYBAf8CAQAwDgYDVR0PAQH/BAQDAgEGMB0GA1UdDgQWBBQVuGSCgJpS
        re+7lLkRZANcXgyhDjAKBggqhkjOPQQDAgNIADBFAiAQsC+pPTUMY9GDZ0hwcPIN
        beadQKyqtZXtslh10wAEswIhALeMOlxP2/gyYIhi9E2EBCYjHuYs1vTULMZsorM8
        Ox1Z
        -----END CERTIFICATE-----
        """

    static let egressTestPEM = """
        -----BEGIN CERTIFICATE-----
        MIIBozCCAUmgAwIBAgIUVbgGlFUGt3y36fTtquhhxxwpRO8wCgYIKoZIzj0EAwIw
        GzEZMBcGA1UEAwwQRWdyZXNzIFRlc3QgUm9vdDAgFw0yMDAxMDEwMDAwMDBaGA8y
        MTIwMDEwMTAwMDAwMFowFjEUMBIGA1UEAwwLZWdyZXNzLnRlc3QwWTATBgcqhkjO
        PQIBBggqhkjOPQMBBwNCAARNcjMqTBDJvExYzkSigeC9e62eR9zM9IQ7X6e1qHI6
        xh7ygCTM0cTx/wm2mHFpCF+W1wyKUHgoH+fX7rrgZ747o24wbDAMBgNVHRMBAf8E
        AjAAMA4GA1UdDwEB/wQEAwIHgDATBgNVHSUEDDAKBggrBgEFBQcDATAWBgNVHREE
        DzANggtlZ3Jlc3MudGVzdDAfBgNVHSMEGDAWgBQVuGSCgJpSre+7lLkRZANcXgyh
        DjAKBggqhkjOPQQDAgNIADBFAiBGzXFybaBEkLBDc2idwP5Avg8oAfWNKHH3PJP6
        MFywRQIhAPvflKpPX90Vag6Xbj6Hr299QfmBcPEyMC6g43BTiMSj
        -----END CERTIFICATE-----
        """

    static let egressTestKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgnIWy2q7SKyO5u+6N
        rfhii1dkF8RzN4hJfXCP26SI0mmhRANCAARNcjMqTBDJvExYzkSigeC9e62eR9zM
        9IQ7X6e1qHI6xh7ygCTM0cTx/wm2mHFpCF+W1wyKUHgoH+fX7rrgZ747
        -----END PRIVATE KEY-----
        """

    static func serverContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(egressTestPEM.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(egressTestKeyPEM.utf8), format: .pem))
        )
        configuration.applicationProtocols = ["http/1.1"]
        return try NIOSSLContext(configuration: configuration)
    }

    /// Full verification (chain and host name), trusting only the test root.
    static func clientConfiguration() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates([try NIOSSLCertificate(bytes: Array(rootPEM.utf8), format: .pem)])
        return configuration
    }
}
