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

    @Test("the first free candidate skips taken and reserved slugs")
    func firstFree() {
        #expect(TemplateSlug.firstFree("weather", taken: [], reserved: []) == "weather")
        #expect(TemplateSlug.firstFree("weather", taken: ["weather", "weather-2"], reserved: []) == "weather-3")
        #expect(TemplateSlug.firstFree("mine", taken: [], reserved: ["mine"]) == "mine-2")
    }
}
