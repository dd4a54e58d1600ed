import { Screen } from '../components/Screen';

export default function Library() {
  return <Screen title="Library">Coming in this change.</Screen>;
}
