import Testing
@testable import Sandbox

@Suite("Realm admission")
struct RealmAdmissionTests {
    @Test func aRealmIsAdmittedOnItsSecondSightingAndThenMustBeSeenAgain() {
        // given
        var admission = RealmAdmission(window: 8)

        // when
        let sightings = (0..<4).map { _ in admission.admits("a") }

        // then: once admitted the realm is forgotten (the pool asks only while no worker holds it)
        #expect(sightings == [false, true, false, true])
    }

    @Test func onlyTheLastWindowOfRealmsSeenOnceAreRemembered() {
        // given
        var admission = RealmAdmission(window: 3)
        let firstSightings = ["a", "b", "c", "d"].map { admission.admits($0) }
        #expect(firstSightings == [false, false, false, false])

        // when
        let oldest = admission.admits("a")
        let newest = admission.admits("d")

        // then: "a" had been pushed out by "d" and is remembered anew (pushing "b" out); "d" is admitted
        #expect(!oldest)
        #expect(newest)
        #expect(admission.count == 2)
    }

    @Test func aWindowOfZeroAdmitsEveryRealmAtOnce() {
        var admission = RealmAdmission(window: 0)
        let admitted = admission.admits("a")
        #expect(admitted)
        #expect(admission.count == 0)
    }

    @Test func admissionsLeaveNoUnboundedTrailAndTheOldestSightingStillGoesFirst() {
        // given: one realm seen once, then thousands admitted while it waits
        var admission = RealmAdmission(window: 4)
        let oldSeen = admission.admits("old")
        #expect(!oldSeen)
        var answers: [[Bool]] = []
        var longestTrail = 0
        for n in 0..<10_000 {
            answers.append([admission.admits("r\(n)"), admission.admits("r\(n)")])
            longestTrail = max(longestTrail, admission.ordered)
        }
        #expect(answers.allSatisfy { $0 == [false, true] })
        #expect(longestTrail <= 4 * 4)

        // when: four more realms seen once, one more than the window holds with "old"
        let firstSightings = ["a", "b", "c", "d"].map { admission.admits($0) }
        #expect(firstSightings == [false, false, false, false])

        // then: "old" was forgotten first, the others are remembered
        #expect(admission.count == 4)
        let b = admission.admits("b"), old = admission.admits("old")
        #expect(b)
        #expect(!old)
    }
}
