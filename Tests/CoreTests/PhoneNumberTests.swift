import Core
import Testing

@Suite("E.164 phone numbers")
struct PhoneNumberTests {
    @Test("international input normalises to strict E.164", arguments: [
        ("+41 79 123 45 67", "+41791234567"),
        ("0041791234567", "+41791234567"),
        ("+41 (0)79 123 45 67", "+41791234567"),
        ("  +41-79-123-45-67\n", "+41791234567"),
        ("+49 (151) 2345-6789", "+4915123456789"),
        ("+1 (415) 555-0132", "+14155550132"),
        ("+1 416 555 0199", "+14165550199"),
        ("+44 20 7946 0958", "+442079460958"),
        ("+33 6.12.34.56.78", "+33612345678"),
        ("+39 06 6982 1234", "+390669821234"),
        ("+852 6123 4567", "+85261234567"),
        ("+7 912 345-67-89", "+79123456789"),
        ("+354 611 1234", "+3546111234"),
        ("+41\u{00A0}79\u{202F}123\u{2011}45 67", "+41791234567"),
    ])
    func parsesInternational(input: String, expected: String) throws {
        // given an international number as a person might type or paste it
        // when it is parsed
        let number = try PhoneNumber.parse(input)
        // then only the E.164 form remains
        #expect(number.e164 == expected)
        #expect(number.description == expected)
    }

    @Test("bad international input names what is wrong", arguments: [
        ("", PhoneNumberError.empty),
        ("   \n", .empty),
        ("+()-", .empty),
        ("+41 79 123 45 6x", .invalidCharacters),
        ("+41 79 123 45 67 ext. 2", .invalidCharacters),
        ("41+791234567", .invalidCharacters),
        ("++41791234567", .invalidCharacters),
        ("+41/79 123 45 67", .invalidCharacters),
        ("+41 ٧٩ 123 45 67", .invalidCharacters),
        ("+41 79 123 45 67 🙂", .invalidCharacters),
        ("079 123 45 67", .unknownCallingCode),
        ("41791234567", .unknownCallingCode),
        ("+999 1234 5678", .unknownCallingCode),
        ("+0 41 79 123 45 67", .unknownCallingCode),
        ("000041791234567", .unknownCallingCode),
        ("+41 79 123 45", .tooShort),
        ("+1 415 555 01", .tooShort),
        ("+41", .tooShort),
        ("+41 79 123 45 678", .tooLong),
        ("+41 0079 123 45 67", .tooLong),
        ("+49 00 151 2345678", .tooLong),
        ("+49 1512 3456 7890 123", .tooLong),
        (String(repeating: "1", count: 100), .tooLong),
    ])
    func rejectsInternational(input: String, expected: PhoneNumberError) {
        // given malformed input
        // when it is parsed
        // then the specific error is thrown
        #expect(throws: expected) { try PhoneNumber.parse(input) }
    }

    @Test("country select plus national field combine into E.164", arguments: [
        ("CH", "079 123 45 67", "+41791234567"),
        ("CH", "79 123 45 67", "+41791234567"),
        ("ch", "079-123-45-67", "+41791234567"),
        ("DE", "0151 23456789", "+4915123456789"),
        ("AT", "0664 1234567", "+436641234567"),
        ("IT", "06 6982 1234", "+390669821234"),
        ("IT", "333 123 4567", "+393331234567"),
        ("US", "(415) 555-0132", "+14155550132"),
        ("GB", "07700 900123", "+447700900123"),
        ("UK", "020 7946 0958", "+442079460958"),
        ("FR", "06 12 34 56 78", "+33612345678"),
        ("DE", "+41 79 123 45 67", "+41791234567"),
        ("AT", "0041 79 123 45 67", "+41791234567"),
    ])
    func combinesCountryAndNational(country: String, national: String, expected: String) throws {
        // given the two sign-in form fields
        // when they are combined
        let number = try PhoneNumber.from(country: country, national: national)
        // then the result is strict E.164
        #expect(number.e164 == expected)
    }

    @Test("bad form input names what is wrong", arguments: [
        ("CH", "", PhoneNumberError.empty),
        ("CH", "  ", .empty),
        ("XX", "079 123 45 67", .unknownCountry),
        ("", "079 123 45 67", .unknownCountry),
        ("CHE", "079 123 45 67", .unknownCountry),
        ("CH", "079 123 45 6a", .invalidCharacters),
        ("CH", "079/123 45 67", .invalidCharacters),
        ("CH", "079 123 45 67+", .invalidCharacters),
        ("CH", "+999 123 456 789", .unknownCallingCode),
        ("CH", "079 123 45", .tooShort),
        ("US", "415 555 013", .tooShort),
        ("CH", "079 123 45 678", .tooLong),
        ("CH", "0099 123 456 789", .unknownCallingCode),
        ("FR", "0006 12 34 56 78", .unknownCallingCode),
        ("DE", "0151 2345 6789 0123", .tooLong),
    ])
    func rejectsFormInput(country: String, national: String, expected: PhoneNumberError) {
        // given malformed form fields
        // when they are combined
        // then the specific error is thrown
        #expect(throws: expected) { try PhoneNumber.from(country: country, national: national) }
    }

    @Test("masked keeps the calling code and the last two digits", arguments: [
        ("+41 79 123 45 67", "+41•••••••67"),
        ("+1 415 555 0132", "+1••••••••32"),
        ("+852 6123 4567", "+852••••••67"),
    ])
    func masked(input: String, expected: String) throws {
        // given a valid number
        let number = try PhoneNumber.parse(input)
        // when it is masked
        // then only the calling code and the last two digits show
        #expect(number.masked == expected)
    }

    @Test("calling code and national number are split at the known calling code")
    func parts() throws {
        // given a number with a three-digit calling code
        let number = try PhoneNumber.parse("+352 621 123 456")
        // then the parts split there
        #expect(number.callingCode == "352")
        #expect(number.nationalNumber == "621123456")
    }

    @Test("the same number typed two ways is one number")
    func equality() throws {
        // given one number from each input path
        let typed = try PhoneNumber.from(country: "CH", national: "079 123 45 67")
        let pasted = try PhoneNumber.parse("0041 (0)79 123 45 67")
        // then they are equal and hash alike
        #expect(typed == pasted)
        #expect(Set([typed, pasted]).count == 1)
    }

    @Test("every country in the table accepts its shortest and longest numbers, and they round-trip")
    func everyCountryRoundTrips() throws {
        for dialCode in DialCodes.all {
            for length in [dialCode.nationalNumberLengths.lowerBound, dialCode.nationalNumberLengths.upperBound] {
                // given a national number of an allowed length for that country
                let national = String(repeating: "2", count: length)
                // when it is combined and its E.164 form parsed again
                let number = try PhoneNumber.from(country: dialCode.countryCode, national: national)
                let reparsed = try PhoneNumber.parse(number.e164)
                // then both agree and the E.164 form is strict
                #expect(number.e164 == "+" + dialCode.callingCode + national, "\(dialCode.name)")
                #expect(reparsed == number, "\(dialCode.name)")
                #expect((8...15).contains(number.e164.count - 1), "\(dialCode.name)")
            }
        }
    }

    @Test("every error maps to invalid_phone with a friendly message")
    func messages() {
        // given every error
        let errors: [PhoneNumberError] = [.empty, .invalidCharacters, .unknownCountry, .unknownCallingCode, .tooShort, .tooLong]
        for error in errors {
            // then the API code is shared and the message is a sentence
            #expect(error.code == "invalid_phone")
            #expect(error.message.hasSuffix("."), "\(error)")
        }
        // and length errors can name the country picked in the form
        #expect(PhoneNumberError.tooShort.message(forCountry: "CH") == "That number looks too short for Switzerland.")
        #expect(PhoneNumberError.tooLong.message(forCountry: "DE") == "That number looks too long for Germany.")
        #expect(PhoneNumberError.empty.message(forCountry: "CH") == PhoneNumberError.empty.message)
        #expect(PhoneNumberError.tooShort.message(forCountry: "XX") == PhoneNumberError.tooShort.message)
    }
}

@Suite("Dial code table")
struct DialCodesTests {
    @Test("covers at least 60 countries, each once")
    func coverage() {
        // given the table
        let codes = DialCodes.all.map(\.countryCode)
        // then it is large enough and has no duplicates
        #expect(codes.count >= 60)
        #expect(Set(codes).count == codes.count)
    }

    @Test("is sorted by name, the order the select shows")
    func sorted() {
        let names = DialCodes.all.map(\.name)
        #expect(names == names.sorted())
    }

    @Test("calling codes are digits only and never start with 0")
    func callingCodes() {
        for dialCode in DialCodes.all {
            #expect(!dialCode.callingCode.isEmpty, "\(dialCode.name)")
            #expect(dialCode.callingCode.allSatisfy { ("0"..."9").contains($0) }, "\(dialCode.name)")
            #expect(dialCode.callingCode.first != "0", "\(dialCode.name)")
        }
    }

    @Test("country codes are ISO alpha-2 and flags are the matching regional indicators")
    func flags() {
        for dialCode in DialCodes.all {
            #expect(dialCode.countryCode.count == 2, "\(dialCode.name)")
            #expect(dialCode.countryCode.allSatisfy { ("A"..."Z").contains($0) }, "\(dialCode.name)")
            #expect(!dialCode.flag.isEmpty, "\(dialCode.name)")
            let indicators = dialCode.flag.unicodeScalars.map { Character(Unicode.Scalar($0.value - 0x1F1E6 + 65)!) }
            #expect(String(indicators) == dialCode.countryCode, "\(dialCode.name)")
        }
        #expect(DialCodes.dialCode(forCountry: "CH")?.flag == "🇨🇭")
    }

    @Test("length ranges fit E.164 (8 to 15 digits with the calling code)")
    func lengthRanges() {
        for dialCode in DialCodes.all {
            let range = dialCode.nationalNumberLengths
            #expect(dialCode.callingCode.count + range.lowerBound >= 8, "\(dialCode.name)")
            #expect(dialCode.callingCode.count + range.upperBound <= 15, "\(dialCode.name)")
        }
    }

    @Test("calling codes and lengths of well-known countries", arguments: [
        ("CH", "41", 9...9),
        ("DE", "49", 6...13),
        ("US", "1", 10...10),
        ("CA", "1", 10...10),
        ("GB", "44", 9...10),
        ("FR", "33", 9...9),
        ("IT", "39", 6...11),
        ("AT", "43", 6...13),
        ("IN", "91", 10...10),
        ("CN", "86", 9...12),
        ("JP", "81", 9...10),
        ("BR", "55", 10...11),
        ("AE", "971", 8...9),
    ])
    func knownCountries(country: String, callingCode: String, lengths: ClosedRange<Int>) throws {
        // when a country is looked up
        let dialCode = try #require(DialCodes.dialCode(forCountry: country))
        // then its calling code and national lengths are the real ones
        #expect(dialCode.callingCode == callingCode)
        #expect(dialCode.nationalNumberLengths == lengths)
    }

    @Test("Switzerland is the default and lookups ignore case")
    func defaultCountry() {
        #expect(DialCodes.defaultCountry == "CH")
        #expect(DialCodes.dialCode(forCountry: DialCodes.defaultCountry)?.name == "Switzerland")
        #expect(DialCodes.dialCode(forCountry: "ch")?.countryCode == "CH")
        #expect(DialCodes.dialCode(forCountry: "UK")?.countryCode == "GB")
        #expect(DialCodes.dialCode(forCountry: "XX") == nil)
    }

    @Test("+1 is shared by the United States and Canada")
    func sharedCallingCode() {
        #expect(DialCodes.dialCodes(forCallingCode: "1").map(\.countryCode) == ["CA", "US"])
        #expect(DialCodes.dialCodes(forCallingCode: "999").isEmpty)
    }
}
