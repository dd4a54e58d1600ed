import { Screen } from '../components/Screen';

export default function Campaigns() {
  return <Screen title="Campaigns">Coming in this change.</Screen>;
}
