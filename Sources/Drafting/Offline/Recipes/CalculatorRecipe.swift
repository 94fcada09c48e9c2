import Core

extension Recipe {
    /// Arithmetic computed locally: a sum of numbers, and an expression read by a small parser (never run as code).
    static let calculator = Recipe(
        id: "calculator",
        title: "Calculator",
        summary: "Calculator: add up numbers and work out arithmetic expressions with + - * / % ^ and parentheses.",
        strong: [
            "calculator", "calculate", "arithmetic", "add numbers", "add two numbers", "adds two numbers", "adding numbers",
            "sum of numbers", "math expression", "maths", "taschenrechner", "rechner", "berechnen", "calculatrice", "calculer",
            "calculadora", "calcular",
        ],
        weak: ["math", "sum", "add", "adds", "plus", "minus", "multiply", "divide", "subtract", "numbers", "expression", "addieren", "rechnen"],
        tools: [
            ToolSpec(
                name: "add_numbers",
                description: "Add up a list of numbers and return their sum.",
                inputSchema: InputSchema.object(
                    ["numbers": ["type": "array", "description": "The numbers to add, e.g. [2, 3]", "items": ["type": "number"], "minItems": 1, "maxItems": 1000]],
                    required: ["numbers"]
                ),
                implementation: RecipeCode.load(recipe: "calculator", tool: "add_numbers")
            ),
            ToolSpec(
                name: "calculate",
                description: "Work out an arithmetic expression with + - * / % ^ (power) and parentheses, e.g. (2 + 3) * 4 / 5.",
                inputSchema: InputSchema.object(
                    ["expression": InputSchema.string("The expression, e.g. 2 * (3 + 4) ^ 2", minLength: 1, maxLength: 500)],
                    required: ["expression"]
                ),
                implementation: RecipeCode.load(recipe: "calculator", tool: "calculate")
            ),
        ]
    )
}
