@testable import App
import Foundation
import Testing

@Suite("Assets: the Public folder")
struct AssetManifestTests {
    @Test("a Public folder that is a symlink is read through it, fingerprints and all")
    func symlinkedFolder() throws {
        // given the real folder elsewhere and Public pointing at it
        let base = try makeTemporaryDirectory()
        let real = base + "/release-1/Public"
        try FileManager.default.createDirectory(atPath: real + "/css", withIntermediateDirectories: true)
        try Data("body { color: red }".utf8).write(to: URL(fileURLWithPath: real + "/css/site.css"))
        try FileManager.default.createSymbolicLink(atPath: base + "/Public", withDestinationPath: real)
        // when
        let manifest = try AssetManifest(publicDirectory: base + "/Public")
        // then
        let asset = try #require(manifest.byLogicalPath["css/site.css"])
        #expect(manifest.byURL.values.contains { $0.logicalPath == asset.logicalPath })
    }
}
