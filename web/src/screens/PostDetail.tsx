import { Screen } from '../components/Screen';

export default function PostDetail() {
  return <Screen title="PostDetail">Coming in this change.</Screen>;
}
