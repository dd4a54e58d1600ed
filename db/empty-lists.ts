import {
  BinaryOperationNode,
  OperationNodeTransformer,
  OperatorNode,
  PrimitiveValueListNode,
  ValueListNode,
  ValueNode,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';

/**
 * `where('id', 'in', ids)` with no ids compiles to `id in ()`, which PostgreSQL refuses as a
 * syntax error (a 500 for, say, a recurrence read before its first occurrence is planned). Every
 * query of every repository goes through this: `x in ()` becomes `1 = 0` (matches nothing) and
 * `x not in ()` becomes `1 = 1` (excludes nothing), which is what the empty list means.
 */
class EmptyListTransformer extends OperationNodeTransformer {
  protected override transformBinaryOperation(node: BinaryOperationNode): BinaryOperationNode {
    const operator = OperatorNode.is(node.operator) ? node.operator.operator : undefined;
    const list = node.rightOperand;
    const empty =
      (PrimitiveValueListNode.is(list) && list.values.length === 0) ||
      (ValueListNode.is(list) && list.values.length === 0);
    if (empty && (operator === 'in' || operator === 'not in'))
      return BinaryOperationNode.create(
        ValueNode.createImmediate(1),
        OperatorNode.create('='),
        ValueNode.createImmediate(operator === 'in' ? 0 : 1),
      );
    return super.transformBinaryOperation(node);
  }
}

export class EmptyListPlugin implements KyselyPlugin {
  readonly #transformer = new EmptyListTransformer();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node);
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}
