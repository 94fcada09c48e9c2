/// Checks a value against a schema; see `JSONSchema.validate(_:against:)`.
struct InstanceValidator {
    private(set) var problems = ProblemList(limit: JSONSchema.maxProblems)
    let patterns: PatternCache

    init(patterns: PatternCache) {
        self.patterns = patterns
    }

    mutating func validate(_ instance: JSONValue, against schema: JSONValue, at path: String, depth: Int) {
        guard !problems.isFull else { return }
        guard depth <= JSONSchema.maxDepth else {
            problems.add(path, "is nested more than \(JSONSchema.maxDepth) levels deep")
            return
        }
        let members: [String: JSONValue]
        switch schema {
        case .bool(true): return
        case .bool(false):
            problems.add(path, "is not allowed")
            return
        case .object(let object): members = object
        default: return
        }

        if let types = Self.typeList(members["type"]), !types.contains(where: { Self.matches(instance, type: $0) }) {
            // Every other keyword applies to a particular type, so they would only add noise.
            problems.add(path, Self.typeMessage(types, got: instance))
            return
        }
        if let allowed = members["enum"]?.arrayValue, !allowed.contains(instance) {
            problems.add(path, "must be one of: \(allowed.map(\.messageText).joined(separator: ", "))")
        }
        if let expected = members["const"], expected != instance {
            problems.add(path, "must be exactly \(expected.compactJSON)")
        }
        switch instance {
        case .number(let number): checkNumber(number, members, at: path)
        case .string(let text): checkString(text, members, at: path)
        case .array(let items): checkArray(items, members, at: path, depth: depth)
        case .object(let object): checkObject(object, members, at: path, depth: depth)
        case .null, .bool: break
        }
        checkCombinators(instance, members, at: path, depth: depth)
    }

    // MARK: types

    /// The declared types, or nil when `type` is absent or malformed.
    static func typeList(_ value: JSONValue?) -> [String]? {
        switch value {
        case .string(let name)?: return [name]
        case .array(let items)? where !items.isEmpty:
            let names = items.compactMap(\.stringValue)
            return names.count == items.count ? names : nil
        default: return nil
        }
    }

    private static func matches(_ instance: JSONValue, type: String) -> Bool {
        switch (type, instance) {
        case ("number", .number): true
        default: instance.typeName == type
        }
    }

    private static func typeMessage(_ types: [String], got instance: JSONValue) -> String {
        let wanted = types.map { type -> String in
            switch type {
            case "null": "null"
            case "array", "integer", "object": "an \(type)"
            default: "a \(type)"
            }
        }
        let list = wanted.count == 1 ? wanted[0] : wanted.dropLast().joined(separator: ", ") + " or " + wanted.last!
        if types.contains("integer"), case .number(let number) = instance {
            return "must be \(list), got \(number.messageText)"
        }
        return "must be \(list), got \(instance.typeNameForMessage)"
    }

    // MARK: by type

    private mutating func checkNumber(_ number: Double, _ members: [String: JSONValue], at path: String) {
        if let bound = members["minimum"]?.numberValue, number < bound {
            problems.add(path, "must be at least \(bound.messageText)")
        }
        if let bound = members["maximum"]?.numberValue, number > bound {
            problems.add(path, "must be at most \(bound.messageText)")
        }
        if let bound = members["exclusiveMinimum"]?.numberValue, number <= bound {
            problems.add(path, "must be greater than \(bound.messageText)")
        }
        if let bound = members["exclusiveMaximum"]?.numberValue, number >= bound {
            problems.add(path, "must be less than \(bound.messageText)")
        }
    }

    private mutating func checkString(_ text: String, _ members: [String: JSONValue], at path: String) {
        // JSON Schema counts code points, not grapheme clusters or UTF-16 units.
        let length = text.unicodeScalars.count
        if let bound = members["minLength"]?.numberValue, Double(length) < bound {
            problems.add(path, "must be at least \(Self.characters(bound)) long")
        }
        if let bound = members["maxLength"]?.numberValue, Double(length) > bound {
            problems.add(path, "must be at most \(Self.characters(bound)) long")
        }
        if let source = members["pattern"]?.stringValue {
            if let regex = patterns.regex(for: source) {
                switch patterns.search(regex, in: text) {
                case true?: break
                case false?: problems.add(path, "must match the pattern \(source)")
                case nil: problems.add(path, "took too long to check against the pattern \(source); the pattern needs simplifying")
                }
            } else {
                problems.add(path, "cannot be checked: the schema's pattern is not a valid regular expression")
            }
        }
        if let name = members["format"]?.stringValue, let format = JSONSchemaFormat(rawValue: name), !format.accepts(text) {
            problems.add(path, "must be \(format.expectation)")
        }
    }

    private static func characters(_ count: Double) -> String {
        count == 1 ? "1 character" : "\(count.messageText) characters"
    }

    private mutating func checkArray(_ items: [JSONValue], _ members: [String: JSONValue], at path: String, depth: Int) {
        if let bound = members["minItems"]?.numberValue, Double(items.count) < bound {
            problems.add(path, "must have at least \(bound == 1 ? "1 item" : "\(bound.messageText) items")")
        }
        if let bound = members["maxItems"]?.numberValue, Double(items.count) > bound {
            problems.add(path, "must have at most \(bound == 1 ? "1 item" : "\(bound.messageText) items")")
        }
        if members["uniqueItems"]?.boolValue == true {
            var firstIndex: [JSONValue: Int] = [:]
            for (index, item) in items.enumerated() {
                if let earlier = firstIndex[item] {
                    problems.add(path, "must not contain duplicates; items \(earlier) and \(index) are equal")
                    break
                }
                firstIndex[item] = index
            }
        }
        if let itemSchema = members["items"], itemSchema.objectValue != nil || itemSchema.boolValue != nil {
            for (index, item) in items.enumerated() {
                validate(item, against: itemSchema, at: JSONPath.index(path, index), depth: depth + 1)
            }
        }
    }

    private mutating func checkObject(
        _ object: [String: JSONValue], _ members: [String: JSONValue], at path: String, depth: Int
    ) {
        let properties = members["properties"]?.objectValue ?? [:]
        // Names match code point for code point (`exactIndex`): "e\u{301}" is not the property "é".
        for name in (members["required"]?.arrayValue ?? []).compactMap(\.stringValue) where object.exactIndex(forKey: name) == nil {
            problems.add(JSONPath.member(path, name), "is required")
        }
        for name in object.keys.sorted() {
            if let propertySchema = properties.exactValue(forKey: name) {
                validate(object[name]!, against: propertySchema, at: JSONPath.member(path, name), depth: depth + 1)
                continue
            }
            switch members["additionalProperties"] {
            case .bool(false)?:
                let allowed = properties.keys.sorted().joined(separator: ", ")
                problems.add(
                    JSONPath.member(path, name),
                    allowed.isEmpty ? "is not allowed; this object takes no properties" : "is not an allowed property; allowed: \(allowed)"
                )
            case .object?:
                validate(object[name]!, against: members["additionalProperties"]!, at: JSONPath.member(path, name), depth: depth + 1)
            default:
                break
            }
        }
    }

    // MARK: combinators

    private mutating func checkCombinators(_ instance: JSONValue, _ members: [String: JSONValue], at path: String, depth: Int) {
        for branch in members["allOf"]?.arrayValue ?? [] {
            validate(instance, against: branch, at: path, depth: depth + 1)
        }
        if let branches = members["anyOf"]?.arrayValue, !branches.isEmpty {
            let results = branches.map { branchProblems(instance, $0, at: path, depth: depth) }
            if !results.contains(where: \.isEmpty) {
                problems.add(path, "must match at least one of the allowed forms: \(Self.describe(results, at: path))")
            }
        }
        if let branches = members["oneOf"]?.arrayValue, !branches.isEmpty {
            let results = branches.map { branchProblems(instance, $0, at: path, depth: depth) }
            let passing = results.indices.filter { results[$0].isEmpty }.map { $0 + 1 }
            if passing.isEmpty {
                problems.add(path, "must match exactly one of the allowed forms: \(Self.describe(results, at: path))")
            } else if passing.count > 1 {
                let list = passing.dropLast().map(String.init).joined(separator: ", ") + " and \(passing.last!)"
                problems.add(path, "matches forms \(list), but must match exactly one")
            }
        }
    }

    private func branchProblems(_ instance: JSONValue, _ branch: JSONValue, at path: String, depth: Int) -> [SpecProblem] {
        var branchValidator = InstanceValidator(patterns: patterns)
        branchValidator.validate(instance, against: branch, at: path, depth: depth + 1)
        return branchValidator.problems.items
    }

    /// "(1) must be a string, got number; (2) name is required", one reason per form.
    private static func describe(_ results: [[SpecProblem]], at path: String) -> String {
        results.enumerated().map { index, problems in
            let first = problems[0]
            let location = JSONPath.relative(first.path, to: path)
            let reason = location.isEmpty ? first.message : "\(location) \(first.message)"
            return "(\(index + 1)) \(reason.count > 160 ? "\(reason.prefix(159))…" : reason)"
        }.joined(separator: "; ")
    }
}
