import { Screen } from '../components/Screen';

export default function Composer() {
  return <Screen title="Composer">Coming in this change.</Screen>;
}
