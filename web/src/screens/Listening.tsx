import { Screen } from '../components/Screen';

export default function Listening() {
  return <Screen title="Listening">Coming in this change.</Screen>;
}
