import Core
import Testing

@Suite("Template slugs")
struct TemplateSlugTests {
    @Test("a title becomes lowercase words joined by dashes", arguments: [
        ("Weather Forecasts", "weather-forecasts"),
        ("  GitHub  Issues → Slack!  ", "github-issues-slack"),
        ("Café Übersicht", "cafe-ubersicht"),
        ("v2.0 API", "v2-0-api"),
        ("!!!", "template"),
        ("Погода в Москве", "pogoda-v-moskve"),
        ("Καιρός τώρα", "kairos-tora"),
        ("날씨", "nalssi"),
        ("天気予報 サーバー", "tian-qi-yu-bao-saba"),
        ("🌦️ ☀️", "template"),
    ])
    func make(_ title: String, _ slug: String) {
        #expect(TemplateSlug.make(from: title) == slug)
    }

    @Test func longTitlesAreCut() {
        let slug = TemplateSlug.make(from: String(repeating: "word ", count: 40))
        #expect(slug.count <= TemplateSlug.maxLength)
        #expect(!slug.hasSuffix("-"))
        #expect(TemplateSlug.candidate(slug, 12).count <= TemplateSlug.maxLength)
        #expect(TemplateSlug.candidate(slug, 12).hasSuffix("-12"))
    }

    @Test("the first free numbered form skips taken ones, also when a long base's forms are cut to fit")
    func firstFree() async {
        func free(_ base: String, taken: Set<String>, maxLength: Int = TemplateSlug.maxLength) async -> String {
            await NumberedSlug.firstFree(base, maxLength: maxLength, batch: 3) { forms in taken.intersection(forms) }
        }
        #expect(await free("weather", taken: []) == "weather")
        #expect(await free("weather", taken: ["weather", "weather-2"]) == "weather-3")
        #expect(await free("weather", taken: ["weather", "weather-2", "weather-3", "weather-4"]) == "weather-5", "past the first batch")
        // a 59-character base: its `-2` form is cut to 58 characters, so it does not start with the base
        let long = String(repeating: "a", count: 58) + "b"
        let second = NumberedSlug.candidate(long, 2, maxLength: 60)
        #expect(second == String(repeating: "a", count: 58) + "-2" && !second.hasPrefix(long))
        #expect(await free(long, taken: [long, second]) == String(repeating: "a", count: 58) + "-3")
        // never a dash before the number's own
        #expect(NumberedSlug.candidate(String(repeating: "a", count: 63) + "-", 2, maxLength: 64) == String(repeating: "a", count: 62) + "-2")
    }
}
