import { Screen } from '../components/Screen';

export default function CampaignDetail() {
  return <Screen title="CampaignDetail">Coming in this change.</Screen>;
}
