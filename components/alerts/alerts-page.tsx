"use client";
import { AlertHistory } from "./alert-history";
import { ChannelsPanel } from "./channels-panel";
import { FiringAlerts } from "./firing-alerts";
import { RulesPanel } from "./rules-panel";
import { SilencesPanel } from "./silences-panel";

export function AlertsPage() {
  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold">Alerts</h1>
      <FiringAlerts />
      <RulesPanel />
      <ChannelsPanel />
      <SilencesPanel />
      <AlertHistory />
    </div>
  );
}
