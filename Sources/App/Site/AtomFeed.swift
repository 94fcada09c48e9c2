import Foundation

/// An Atom 1.0 document (RFC 4287).
struct AtomFeed {
    struct Entry {
        let id: String
        let title: String
        let updated: Date
        let summary: String
        let html: String
        let categories: [String]
    }

    let title: String
    let feedURL: String
    let pageURL: String
    let entries: [Entry]

    var xml: String {
        var out = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom">
          <title>\(XML.escape(title))</title>
          <id>\(XML.escape(feedURL))</id>
          <link rel="self" type="application/atom+xml" href="\(XML.escape(feedURL))"/>
          <link rel="alternate" type="text/html" href="\(XML.escape(pageURL))"/>
          <updated>\(Self.timestamp(entries.map(\.updated).max() ?? Date(timeIntervalSince1970: 0)))</updated>
          <author><name>\(XML.escape(PublicSite.name))</name></author>

        """
        for entry in entries {
            out += """
              <entry>
                <title>\(XML.escape(entry.title))</title>
                <id>\(XML.escape(entry.id))</id>
                <link rel="alternate" type="text/html" href="\(XML.escape(entry.id))"/>
                <updated>\(Self.timestamp(entry.updated))</updated>
                <summary>\(XML.escape(entry.summary))</summary>

            """
            for category in entry.categories {
                out += "    <category term=\"\(XML.escape(category))\"/>\n"
            }
            out += "    <content type=\"html\">\(XML.escape(entry.html))</content>\n  </entry>\n"
        }
        return out + "</feed>\n"
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

enum XML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }
}
