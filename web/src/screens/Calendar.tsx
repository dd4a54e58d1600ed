import { Screen } from '../components/Screen';

export default function Calendar() {
  return <Screen title="Calendar">Coming in this change.</Screen>;
}
