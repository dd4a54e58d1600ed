import { Screen } from '../components/Screen';

export default function Settings() {
  return <Screen title="Settings">Coming in this change.</Screen>;
}
