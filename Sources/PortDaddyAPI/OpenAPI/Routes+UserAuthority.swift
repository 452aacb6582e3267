extension Routes {
    /// The routes the daemon refuses (`UNTRUSTED_CALLER`, 401) without the user's authority: a request over the Unix
    /// socket, or one carrying the user's token in `X-PD-Token`. The OpenAPI document marks them with the
    /// `userToken` security scheme. `OpenAPIConformanceTests` sends every route without authority through the real
    /// router and fails when this list and the refusals differ: a new guarded route goes here.
    public static var userAuthorityRequired: [AnyAPIRoute] {
        [
            snapshot.erased, notes.erased, rotateKeys.erased, briefing.erased, episodes.erased, dashboardGrant.erased,
            spawn.erased, runEvents.erased, runLogs.erased, killRun.erased, launchSortie.erased, sortieEvents.erased, abortSortie.erased,
            stackUp.erased, stackEnvironment.erased, stackDown.erased, stackRestart.erased, stackLogs.erased, stackEvents.erased,
            raisePending.erased, killPending.erased, gracePending.erased, panic.erased, unpanic.erased, walletTopUp.erased,
            walletBudget.erased, slashBond.erased,
            fleetConfig.erased, fleetConfigWrite.erased, fleetReload.erased, fleetUp.erased, fleetDown.erased, fleetEnable.erased,
            fleetDisable.erased,
            webhooks.erased, addWebhook.erased, removeWebhook.erased, testWebhook.erased, webhookDeliveries.erased, arbiterMode.erased,
            arbiterTestInvariant.erased, forgetClusterNode.erased,
        ]
    }
}
