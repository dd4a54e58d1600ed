import { Screen } from '../components/Screen';

export default function Posts() {
  return <Screen title="Posts">Coming in this change.</Screen>;
}
