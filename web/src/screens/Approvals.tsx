import { Screen } from '../components/Screen';

export default function Approvals() {
  return <Screen title="Approvals">Coming in this change.</Screen>;
}
