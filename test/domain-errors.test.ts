import { Conflict, Forbidden, invalidField, invalidFields, NotFound, Unavailable } from '../contracts/errors';
import { problemFrom } from '../api/problems';

test('a domain error becomes the problem the API answered before domain errors existed', () => {
  const cause = new Error('connection refused');
  expect(problemFrom(invalidField('publishAt', 'future', 'must be in the future')).toJSON()).toEqual({
    type: 'https://chorus.dev/problems/unprocessable-content',
    title: 'Unprocessable Content',
    status: 422,
    detail: 'publishAt: must be in the future',
    errors: [{ field: 'publishAt', rule: 'future', message: 'must be in the future' }],
  });
  const two = [
    { field: 'a', rule: 'r', message: 'is bad' },
    { field: 'b', rule: 's', message: 'is worse' },
  ];
  expect(problemFrom(invalidFields(two))).toMatchObject({ status: 422, detail: 'a: is bad; b: is worse', errors: two });
  expect(problemFrom(new NotFound('Post not found'))).toMatchObject({
    status: 404,
    title: 'Not Found',
    detail: 'Post not found',
    errors: [],
  });
  expect(problemFrom(new Conflict('The post is publishing'))).toMatchObject({ status: 409, title: 'Conflict' });
  expect(problemFrom(new Forbidden('Approvers only'))).toMatchObject({ status: 403, title: 'Forbidden' });
  const unavailable = problemFrom(new Unavailable('The scheduler (Temporal) is unreachable', cause));
  expect(unavailable).toMatchObject({
    status: 503,
    title: 'Service Unavailable',
    detail: 'The scheduler (Temporal) is unreachable',
    cause,
  });
  expect(unavailable.toJSON()).not.toHaveProperty('cause');
  // Every 503 says when to try again.
  expect(unavailable.headers).toEqual({ 'retry-after': expect.stringMatching(/^\d+$/) });
});
