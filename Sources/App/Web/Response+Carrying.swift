import Vapor

extension Response {
    /// The error's own headers on the page that explains it: a 429 says when to try again
    /// (`Retry-After`) on a form as it does in the API.
    func carrying(_ error: APIError) -> Response {
        for (name, value) in error.headers { headers.replaceOrAdd(name: name, value: value) }
        return self
    }
}
