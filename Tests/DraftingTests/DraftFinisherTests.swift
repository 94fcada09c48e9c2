import Core
import Drafting
import Testing

@Suite struct DraftFinisherTests {
    @Test func theRequestsNameAndSlugWin() throws {
        // given
        let request = DraftRequest(prompt: "Weather", name: "My Weather", slug: "my-weather", model: "m")

        // when
        let result = try DraftFinisher.finish(Fixtures.weatherSpec, for: request, model: "reported-model")

        // then
        #expect(result.spec.name == "My Weather")
        #expect(result.spec.slug == "my-weather")
        #expect(result.spec.tools == Fixtures.weatherSpec.tools)
        #expect(result.model == "reported-model")
    }

    @Test func theModelsNameAndSlugStayWithoutOverrides() throws {
        // given
        let request = DraftRequest(prompt: "Weather", model: "m")

        // when
        let result = try DraftFinisher.finish(Fixtures.weatherSpec, for: request, model: "m")

        // then
        #expect(result.spec == Fixtures.weatherSpec)
    }

    @Test func anInvalidSpecCarriesTheValidatorsSummary() throws {
        // given
        let summary = try #require(Fixtures.validatorSummary(Fixtures.invalidSpec))

        // when
        let error = #expect(throws: DraftingError.self) {
            try DraftFinisher.finish(Fixtures.invalidSpec, for: Fixtures.request, model: "m")
        }

        // then
        #expect(error == .specInvalid(summary))
    }

    @Test func aScannerFindingMakesTheSpecInvalidAndIsNamed() throws {
        // given a spec the validator accepts but whose code runs strings as code
        var spec = Fixtures.weatherSpec
        spec.tools[0].implementation = "return eval(args.city);"
        let findings = SpecScanner.findings(in: spec, secretValues: [])
        try #require(!findings.isEmpty)

        // when
        let error = #expect(throws: DraftingError.self) {
            try DraftFinisher.finish(spec, for: Fixtures.request, model: "m")
        }

        // then
        guard case .specInvalid(let message) = error else {
            Issue.record("expected specInvalid, got \(String(describing: error))")
            return
        }
        for finding in findings {
            #expect(message.contains(finding.message))
            #expect(message.contains(finding.path))
        }
    }

    @Test func undecodableJSONIsAnInvalidSpec() {
        // given
        let json = Array(#"{"name": "x", "tools": "not a list"}"#.utf8)

        // when
        let error = #expect(throws: DraftingError.self) {
            try DraftFinisher.finish(specJSON: json, for: Fixtures.request, model: "m")
        }

        // then
        #expect(error == .specInvalid("The model's answer was not a spec in the expected JSON form."))
    }
}
