import NIOCore
import Dispatch
import NIOConcurrencyHelpers

/// `map` spread over every core, keeping the input order. For start-up work such
/// as reading and parsing thousands of Markdown files.
enum ParallelMap {
    static func map<Input: Sendable, Output: Sendable>(_ inputs: [Input], _ transform: @Sendable (Input) -> Output) -> [Output] {
        let results = NIOLockedValueBox([Output?](repeating: nil, count: inputs.count))
        let chunk = max(1, inputs.count / (System.coreCount * 4))
        let chunks = (inputs.count + chunk - 1) / chunk
        DispatchQueue.concurrentPerform(iterations: chunks) { index in
            let range = (index * chunk)..<min(inputs.count, (index + 1) * chunk)
            let outputs = range.map { transform(inputs[$0]) }
            results.withLockedValue { all in
                for (offset, output) in zip(range, outputs) { all[offset] = output }
            }
        }
        return results.withLockedValue { $0.map { $0! } }
    }
}
