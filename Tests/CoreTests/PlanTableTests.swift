import Core
import Testing

@Suite("Plan table")
struct PlanTableTests {
    @Test("quotas per tier match the published limits")
    func quotas() {
        // given the single plan table
        let plans = PlanTable.all
        // then tiers, daily drafts and daily builds are the published ones, in order
        #expect(plans.map(\.id) == [.hobby, .pro, .team, .enterprise])
        #expect(plans.map(\.dailyDrafts) == [5, 40, 150, 1000])
        #expect(plans.map(\.dailyBuilds) == [3, 20, 100, 500])
    }

    @Test("Hobby is free, Team costs €199 a month, Enterprise is custom")
    func prices() {
        #expect(PlanTable.hobby.isFree)
        #expect(PlanTable.team.price?.monthlyCents == 19_900)
        #expect(PlanTable.enterprise.isCustomPriced)
        #expect(PlanTable.enterprise.price == nil)
        #expect(PlanTable.enterprise.maxServers == nil)
    }

    @Test("yearly billing is never dearer than monthly")
    func yearlyDiscount() {
        for plan in PlanTable.all {
            guard let price = plan.price else { continue }
            #expect(price.monthlyCentsBilledYearly <= price.monthlyCents, "\(plan.name)")
            #expect(price.yearlyTotalCents == price.monthlyCentsBilledYearly * 12)
        }
    }

    @Test("honest claims: RBAC and custom domains are coming soon, uptime only by contract")
    func honestFeatures() {
        for plan in PlanTable.all {
            for feature in plan.features {
                if feature.label.contains("RBAC") || feature.label.contains("Custom domains") {
                    #expect(feature.availability == .comingSoon, "\(plan.name): \(feature.label)")
                }
                if feature.label.lowercased().contains("uptime") {
                    #expect(plan.id == .enterprise && feature.availability == .byContract)
                }
            }
        }
    }

    @Test("the free tier drafts with Zhipu's model and paid tiers with Anthropic's")
    func models() {
        #expect(PlanTable.hobby.draftingModel.hasPrefix("glm"))
        for plan in [PlanTable.pro, PlanTable.team, PlanTable.enterprise] {
            #expect(plan.draftingModel.hasPrefix("claude"), "\(plan.name)")
        }
    }

    @Test("looking a plan up by id returns that plan")
    func lookup() {
        for id in PlanID.allCases {
            #expect(PlanTable.plan(id).id == id)
        }
    }
}

@Suite struct PlanToolLimitTests {
    @Test func largerPlansNeverGetLessTimePerToolCall() {
        let plans = PlanTable.all
        for (smaller, larger) in zip(plans, plans.dropFirst()) {
            #expect(smaller.toolCPUMilliseconds <= larger.toolCPUMilliseconds)
            #expect(smaller.toolWallMilliseconds <= larger.toolWallMilliseconds)
            #expect(larger.toolCPUMilliseconds < larger.toolWallMilliseconds)
        }
        #expect(PlanTable.hobby.toolCPUMilliseconds == 1000)
        #expect(PlanTable.enterprise.toolWallMilliseconds == 30000)
    }
}
