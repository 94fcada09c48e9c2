/// Finds problems in a schema itself; see `JSONSchema.problems(inSchema:at:)`.
struct SchemaChecker {
    private(set) var problems = ProblemList(limit: JSONSchema.maxProblems)
    /// Shared by every `default`, `enum` and `const` check, so their matching time is bounded together (and, given
    /// one, with every other schema of the spec: `SpecValidator` checks them all on one budget).
    private let patterns: PatternCache

    init(patterns: PatternCache = PatternCache()) {
        self.patterns = patterns
    }

    mutating func check(_ schema: JSONValue, at path: String, depth: Int) {
        guard !problems.isFull else { return }
        guard depth <= JSONSchema.maxDepth else {
            problems.add(path, "nests schemas more than \(JSONSchema.maxDepth) levels deep; flatten it")
            return
        }
        let members: [String: JSONValue]
        switch schema {
        case .bool: return
        case .object(let object): members = object
        default:
            problems.add(path, "must be a schema (a JSON object), got \(schema.typeNameForMessage)")
            return
        }
        let before = problems.count
        for key in members.keys.sorted() {
            checkKeyword(key, members[key]!, in: members, at: JSONPath.member(path, key), depth: depth)
        }
        guard problems.count == before else { return }
        checkCombinations(members, at: path)
        guard problems.count == before else { return }
        checkValuesAgainstOwnSchema(members, at: path)
    }

    // MARK: one keyword

    private mutating func checkKeyword(
        _ key: String, _ value: JSONValue, in members: [String: JSONValue], at path: String, depth: Int
    ) {
        switch key {
        case "type":
            checkType(value, at: path)
        case "properties":
            guard let properties = value.objectValue else {
                problems.add(path, "must be an object mapping property names to schemas, got \(value.typeNameForMessage)")
                return
            }
            for name in properties.keys.sorted() {
                check(properties[name]!, at: JSONPath.member(path, name), depth: depth + 1)
            }
        case "required":
            checkRequired(value, properties: members["properties"]?.objectValue, at: path)
        case "enum":
            guard let values = value.arrayValue, !values.isEmpty else {
                problems.add(path, "must be a non-empty array of the allowed values")
                return
            }
            var seen = Set<JSONValue>()
            for item in values where !seen.insert(item).inserted {
                problems.add(path, "lists \(item.compactJSON) twice")
            }
        case "const", "default":
            break
        case "items":
            switch value {
            case .array:
                problems.add(path, "must be one schema for every element; the list (tuple) form is not supported")
            default:
                check(value, at: path, depth: depth + 1)
            }
        case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
            if case .number = value { return }
            if case .bool = value, key.hasPrefix("exclusive") {
                problems.add(
                    path,
                    "must be a number; the draft-4 boolean form is not supported, so put the bound itself here, like \"\(key)\": 0"
                )
            } else {
                problems.add(path, "must be a number, got \(value.typeNameForMessage)")
            }
        case "minLength", "maxLength", "minItems", "maxItems":
            guard let number = value.numberValue, number >= 0, number.isWholeNumberInJSONRange else {
                problems.add(path, "must be a whole number, 0 or more, got \(value.compactJSONOrType)")
                return
            }
        case "pattern":
            guard let source = value.stringValue else {
                problems.add(path, "must be a string, got \(value.typeNameForMessage)")
                return
            }
            guard patterns.regex(for: source) != nil else {
                problems.add(path, "\(value.compactJSON) is not a valid regular expression")
                return
            }
            for message in JSONSchemaPattern.portabilityProblems(in: source) {
                problems.add(path, message)
            }
        case "format":
            guard let name = value.stringValue else {
                problems.add(path, "must be a string, got \(value.typeNameForMessage)")
                return
            }
            if JSONSchemaFormat(rawValue: name) == nil {
                problems.add(
                    path,
                    "\(value.compactJSON) is not a supported format; use one of: \(JSONSchema.formats.joined(separator: ", ")), or a pattern"
                )
            }
        case "additionalProperties":
            switch value {
            case .bool: break
            case .object: check(value, at: path, depth: depth + 1)
            default: problems.add(path, "must be true, false or a schema, got \(value.typeNameForMessage)")
            }
        case "allOf", "anyOf", "oneOf":
            guard let branches = value.arrayValue, !branches.isEmpty else {
                problems.add(path, "must be a non-empty array of schemas")
                return
            }
            for (index, branch) in branches.enumerated() {
                check(branch, at: JSONPath.index(path, index), depth: depth + 1)
            }
        case "$schema":
            // Another draft's keywords mean other things (draft-07's `items` array is 2020-12's
            // `prefixItems`); checking such a schema by 2020-12 rules would pass what it should not.
            if !JSONSchema.dialects.contains(value.stringValue ?? "") {
                problems.add(path, "declares \(value.compactJSON), but schemas here are JSON Schema 2020-12 (the subset on the "
                    + "Authoring tools page): use \"\(JSONSchema.dialects[0])\" or leave $schema out")
            }
        case "description", "title", "$comment":
            if value.stringValue == nil {
                problems.add(path, "must be a string, got \(value.typeNameForMessage)")
            }
        case "examples":
            if value.arrayValue == nil {
                problems.add(path, "must be an array of example values, got \(value.typeNameForMessage)")
            }
        case "deprecated", "readOnly", "writeOnly", "uniqueItems":
            if value.boolValue == nil {
                problems.add(path, "must be true or false, got \(value.typeNameForMessage)")
            }
        default:
            let supported = JSONSchema.supportedKeywords.joined(separator: ", ")
            problems.add(path, "is not supported\(Self.hint(forUnsupported: key)); supported keywords: \(supported)")
        }
    }

    private static func hint(forUnsupported key: String) -> String {
        switch key {
        case "$ref", "$defs", "definitions", "$id", "$anchor", "$dynamicRef":
            " (write the referenced schema inline)"
        case "patternProperties", "propertyNames":
            " (list the properties, or constrain the rest with additionalProperties)"
        case "prefixItems":
            " (use items with one schema for every element)"
        default:
            ""
        }
    }

    private mutating func checkType(_ value: JSONValue, at path: String) {
        let known = JSONSchema.typeNames.joined(separator: ", ")
        switch value {
        case .string(let name):
            if !JSONSchema.typeNames.contains(name) {
                problems.add(path, "\(value.compactJSON) is not a type; use one of: \(known)")
            }
        case .array(let names) where !names.isEmpty:
            var seen = Set<String>()
            for (index, item) in names.enumerated() {
                guard let name = item.stringValue, JSONSchema.typeNames.contains(name) else {
                    problems.add(JSONPath.index(path, index), "\(item.compactJSON) is not a type; use one of: \(known)")
                    continue
                }
                if !seen.insert(name).inserted {
                    problems.add(path, "lists \"\(name)\" twice")
                }
            }
        default:
            problems.add(path, "must be a type name or a non-empty list of them (\(known)), got \(value.compactJSONOrType)")
        }
    }

    private mutating func checkRequired(_ value: JSONValue, properties: [String: JSONValue]?, at path: String) {
        guard let names = value.arrayValue else {
            problems.add(path, "must be an array of property names, got \(value.typeNameForMessage)")
            return
        }
        // Names compared code point for code point, as instances are (`JSONValue`'s equality).
        var seen = Set<JSONValue>()
        for (index, item) in names.enumerated() {
            guard let name = item.stringValue else {
                problems.add(JSONPath.index(path, index), "must be a property name (a string), got \(item.typeNameForMessage)")
                continue
            }
            if !seen.insert(item).inserted {
                problems.add(path, "names \"\(name)\" twice")
            } else if let properties, properties.exactIndex(forKey: name) == nil {
                // Almost always a typo; a required property without a schema also tells the
                // model nothing about what to send.
                problems.add(path, "names \"\(name)\", which is not in properties")
            }
        }
    }

    // MARK: keywords together

    private static let appliesTo: [String: (types: Set<String>, noun: String)] = [
        "minLength": (["string"], "strings"), "maxLength": (["string"], "strings"),
        "pattern": (["string"], "strings"), "format": (["string"], "strings"),
        "minimum": (["number", "integer"], "numbers"), "maximum": (["number", "integer"], "numbers"),
        "exclusiveMinimum": (["number", "integer"], "numbers"), "exclusiveMaximum": (["number", "integer"], "numbers"),
        "properties": (["object"], "objects"), "required": (["object"], "objects"),
        "additionalProperties": (["object"], "objects"),
        "items": (["array"], "arrays"), "minItems": (["array"], "arrays"), "maxItems": (["array"], "arrays"),
        "uniqueItems": (["array"], "arrays"),
    ]

    private static let emptyRanges: [(low: String, high: String, inclusive: Bool)] = [
        ("minLength", "maxLength", true), ("minItems", "maxItems", true), ("minimum", "maximum", true),
        ("exclusiveMinimum", "exclusiveMaximum", false), ("minimum", "exclusiveMaximum", false),
        ("exclusiveMinimum", "maximum", false),
    ]

    private mutating func checkCombinations(_ members: [String: JSONValue], at path: String) {
        if let declared = InstanceValidator.typeList(members["type"]) {
            let declaredText = declared.count == 1 ? "\"\(declared[0])\"" : JSONValue.array(declared.map(JSONValue.string)).compactJSON
            for key in members.keys.sorted() {
                guard let rule = Self.appliesTo[key], rule.types.isDisjoint(with: declared) else { continue }
                problems.add(JSONPath.member(path, key), "applies only to \(rule.noun), but type is \(declaredText)")
            }
        }
        for range in Self.emptyRanges {
            guard let low = members[range.low]?.numberValue, let high = members[range.high]?.numberValue else { continue }
            if range.inclusive ? low > high : low >= high {
                problems.add(
                    JSONPath.member(path, range.low),
                    "(\(low.messageText)) and \(range.high) (\(high.messageText)) leave no value that can pass"
                )
            }
        }
    }

    /// `default`, `enum` and `const` values that their own schema rejects are mistakes a
    /// model or a person makes easily, and they would only surface at call time.
    private mutating func checkValuesAgainstOwnSchema(_ members: [String: JSONValue], at path: String) {
        if let value = members["default"] {
            var rest = members
            rest["default"] = nil
            if let problem = firstProblem(value, against: rest) {
                problems.add(JSONPath.member(path, "default"), "does not match its own schema: \(problem)")
            }
        }
        if let values = members["enum"]?.arrayValue {
            var rest = members
            rest["enum"] = nil
            rest["default"] = nil
            for (index, value) in values.enumerated() {
                if let problem = firstProblem(value, against: rest) {
                    problems.add(JSONPath.index(JSONPath.member(path, "enum"), index), "does not match the rest of the schema: \(problem)")
                }
            }
        }
        if let value = members["const"] {
            var rest = members
            rest["const"] = nil
            rest["default"] = nil
            if let problem = firstProblem(value, against: rest) {
                problems.add(JSONPath.member(path, "const"), "does not match the rest of the schema: \(problem)")
            }
        }
    }

    private func firstProblem(_ value: JSONValue, against schema: [String: JSONValue]) -> String? {
        var validator = InstanceValidator(patterns: patterns)
        validator.validate(value, against: .object(schema), at: "", depth: 0)
        guard let problem = validator.problems.items.first else { return nil }
        return problem.path.isEmpty ? problem.message : "\(problem.path) \(problem.message)"
    }
}

extension JSONValue {
    /// Numbers and short values as written, anything else by its type.
    var compactJSONOrType: String {
        switch self {
        case .number, .bool, .null: compactJSON
        case .string(let text) where text.count <= 40: compactJSON
        default: typeNameForMessage
        }
    }
}
