import Core
import Drafting
import Testing

@Suite struct OfflineDrafterNamingTests {
    @Test func aGivenNameAndSlugAreUsedAsTheyAre() async throws {
        // when
        let spec = try await OfflineDrafting.draft("weather", name: "My travel kit", slug: "travel-kit")
        // then
        #expect(spec.name == "My travel kit")
        #expect(spec.slug == "travel-kit")
    }

    @Test func aGivenNameAloneAlsoShapesTheSlug() async throws {
        // when
        let spec = try await OfflineDrafting.draft("weather", name: "Équipe Météo — Zürich!")
        // then
        #expect(spec.name == "Équipe Météo — Zürich!")
        #expect(spec.slug == "equipe-meteo-zurich")
    }

    @Test("a name in another script gives a slug in Latin letters, not the placeholder", arguments: [
        ("Погода дома", "pogoda-doma"),
        ("날씨", "nalssi"),
        ("🌦️", "offline-draft"),
    ])
    func aNameInAnotherScriptIsWrittenInLatinLetters(_ name: String, _ slug: String) async throws {
        // when
        let spec = try await OfflineDrafting.draft("weather", name: name)
        // then
        #expect(spec.slug == slug)
        #expect(OfflineDrafting.issues(in: spec).isEmpty)
    }

    @Test func blankOverridesAreIgnored() async throws {
        // when
        let spec = try await OfflineDrafting.draft("weather", name: "  ", slug: "")
        // then
        #expect(spec.name == "Weather")
        #expect(spec.slug == "weather")
    }

    @Test func aDerivedSlugIsValidAndAtMost64Characters() async throws {
        // given
        let name = String(repeating: "Weather Station ", count: 5)
        // when
        let spec = try await OfflineDrafting.draft("weather", name: name)
        // then
        #expect(spec.slug.count <= 64)
        #expect(!spec.slug.hasSuffix("-"))
        #expect(spec.slug.hasPrefix("weather-station-weather-station"))
        #expect(OfflineDrafting.issues(in: spec).isEmpty)
    }

    @Test func anInvalidGivenSlugIsReportedNotRepaired() async throws {
        // when
        let attempt = { try await OfflineDrafting.draft("weather", slug: "Not A Slug") }
        // then
        await #expect(throws: DraftingError.self) { try await attempt() }
    }
}
