// Generated from /openapi.json by `npm run gen:api`; do not edit.
export interface paths {
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Database and Temporal reachable
         * @description Answers 200 when both are; otherwise 503 problem+json with Retry-After, naming the state of each (`database`, `temporal`). The process rides out either outage and resumes by itself.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description 'ok', or 'unreachable: ' and the reason */
                            database: string;
                            /** @enum {string} */
                            status: "ready";
                            /** @description 'ok', or 'unreachable: ' and the reason */
                            temporal: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Spike (crisis) alerts, newest first: one per episode */
        get: {
            parameters: {
                query?: {
                    queryId?: string;
                    status?: "open" | "closed";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            alerts: {
                                acknowledgedAt: string | null;
                                acknowledgedBy: string | null;
                                closedAt: string | null;
                                /** @description What the window and its baseline held when the alert opened */
                                details: unknown;
                                /** Format: uuid */
                                id: string;
                                openedAt: string;
                                /** Format: uuid */
                                queryId: string;
                                reasons: string[];
                                /** @enum {string} */
                                status: "open" | "closed";
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/alerts/{id}/acknowledge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Acknowledge an alert (someone is on it) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            acknowledgedBy: string;
                            /** Format: uuid */
                            id: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/audience": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Each channel's followers per day and its growth over a range
         * @description With `format=csv`: the same figures as a CSV table (text/csv). One row per channel and day. The range is at most 366 days.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Channel ids (the key repeated); default: every channel */
                    channelId?: string | string[];
                    /** @description csv: the same figures as a CSV table (text/csv), one row per item */
                    format?: "json" | "csv";
                    /** @description Default: 30 days before to */
                    from?: string;
                    /** @description IANA time zone the days are counted in; default UTC */
                    timeZone?: string;
                    /** @description Default: now */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            channels: {
                                /** Format: uuid */
                                channelId: string;
                                channelName: string;
                                days: {
                                    /** @description Since the previous day with a read; null on the first */
                                    change: number | null;
                                    day: string;
                                    followers: number;
                                }[];
                                /** @description Last day minus first day; null with fewer than one read */
                                growth: number | null;
                            }[];
                            from: string;
                            timeZone: string;
                            to: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/campaigns/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A campaign's figures: totals, per channel, per post, and over time
         * @description With `format=csv`: the same figures as a CSV table (text/csv). The CSV has one row per post.
         */
        get: {
            parameters: {
                query?: {
                    /** @description csv: the same figures as a CSV table (text/csv), one row per item */
                    format?: "json" | "csv";
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            campaignId: string;
                            channels: {
                                /** Format: uuid */
                                channelId: string;
                                channelName: string;
                                /** @description Short-link clicks, bots and repeats excluded */
                                clicks: number;
                                /** @description Engagements of the targets with a followers read / their followersAtPublish; null when none has one */
                                engagementRate: number | null;
                                /** @description likes + reposts + replies + quotes */
                                engagements: number;
                                /** @description Sum over targets of the channel's followers when each was published (targets with a read) */
                                followersAtPublish: number;
                                /** @description Sum of the impressions of the targets whose network gives them (X's impression_count, a LinkedIn organization's share statistics, Facebook's post_impressions, Instagram's and Threads' views); targets without impressions (Bluesky, Mastodon, a LinkedIn member's posts, a post whose insights the network refused) are not counted; null when none has them */
                                impressions: number | null;
                                likes: number;
                                /** @description Published posts */
                                posts: number;
                                /** @description Bluesky only; 0 on Mastodon, which has no quote count */
                                quotes: number;
                                replies: number;
                                reposts: number;
                                /** @description Published posts × channels */
                                targets: number;
                                /** @description How many targets the impressions sum is over */
                                targetsWithImpressions: number;
                            }[];
                            name: string;
                            overTime: {
                                /** @description By day of publishing (UTC) */
                                byDay: {
                                    /** @description Short-link clicks, bots and repeats excluded */
                                    clicks: number;
                                    /** @description YYYY-MM-DD in the timeZone asked for */
                                    day: string;
                                    /** @description Engagements of the targets with a followers read / their followersAtPublish; null when none has one */
                                    engagementRate: number | null;
                                    /** @description likes + reposts + replies + quotes */
                                    engagements: number;
                                    /** @description Sum over targets of the channel's followers when each was published (targets with a read) */
                                    followersAtPublish: number;
                                    /** @description Sum of the impressions of the targets whose network gives them (X's impression_count, a LinkedIn organization's share statistics, Facebook's post_impressions, Instagram's and Threads' views); targets without impressions (Bluesky, Mastodon, a LinkedIn member's posts, a post whose insights the network refused) are not counted; null when none has them */
                                    impressions: number | null;
                                    likes: number;
                                    /** @description Published posts */
                                    posts: number;
                                    /** @description Bluesky only; 0 on Mastodon, which has no quote count */
                                    quotes: number;
                                    replies: number;
                                    reposts: number;
                                    /** @description Published posts × channels */
                                    targets: number;
                                    /** @description How many targets the impressions sum is over */
                                    targetsWithImpressions: number;
                                }[];
                                /** @description Counts at +1h, +6h, ... summed over the targets read then */
                                byOffset: {
                                    engagements: number;
                                    /** @description Over the targets read then whose network gives impressions (the others not counted); null when none */
                                    impressions: number | null;
                                    likes: number;
                                    /** @enum {string} */
                                    offsetLabel: "+1h" | "+6h" | "+24h" | "+3d" | "+7d" | "+30d";
                                    quotes: number;
                                    replies: number;
                                    reposts: number;
                                    /** @description Targets with counts at this offset */
                                    targets: number;
                                }[];
                            };
                            posts: {
                                /** @description Short-link clicks, bots and repeats excluded */
                                clicks: number;
                                /** @description Engagements of the targets with a followers read / their followersAtPublish; null when none has one */
                                engagementRate: number | null;
                                /** @description likes + reposts + replies + quotes */
                                engagements: number;
                                /** @description Sum over targets of the channel's followers when each was published (targets with a read) */
                                followersAtPublish: number;
                                /** @description Sum of the impressions of the targets whose network gives them (X's impression_count, a LinkedIn organization's share statistics, Facebook's post_impressions, Instagram's and Threads' views); targets without impressions (Bluesky, Mastodon, a LinkedIn member's posts, a post whose insights the network refused) are not counted; null when none has them */
                                impressions: number | null;
                                likes: number;
                                /** Format: uuid */
                                postId: string;
                                /** @description Published posts */
                                posts: number;
                                publishedAt: string;
                                /** @description Bluesky only; 0 on Mastodon, which has no quote count */
                                quotes: number;
                                replies: number;
                                reposts: number;
                                /** @description Published posts × channels */
                                targets: number;
                                /** @description How many targets the impressions sum is over */
                                targetsWithImpressions: number;
                            }[];
                            /** @description Sums over published targets, from the latest snapshot with counts of each */
                            totals: {
                                /** @description Short-link clicks, bots and repeats excluded */
                                clicks: number;
                                /** @description Engagements of the targets with a followers read / their followersAtPublish; null when none has one */
                                engagementRate: number | null;
                                /** @description likes + reposts + replies + quotes */
                                engagements: number;
                                /** @description Sum over targets of the channel's followers when each was published (targets with a read) */
                                followersAtPublish: number;
                                /** @description Sum of the impressions of the targets whose network gives them (X's impression_count, a LinkedIn organization's share statistics, Facebook's post_impressions, Instagram's and Threads' views); targets without impressions (Bluesky, Mastodon, a LinkedIn member's posts, a post whose insights the network refused) are not counted; null when none has them */
                                impressions: number | null;
                                likes: number;
                                /** @description Published posts */
                                posts: number;
                                /** @description Bluesky only; 0 on Mastodon, which has no quote count */
                                quotes: number;
                                replies: number;
                                reposts: number;
                                /** @description Published posts × channels */
                                targets: number;
                                /** @description How many targets the impressions sum is over */
                                targetsWithImpressions: number;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/campaigns/compare": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Campaigns side by side, normalised per post and per follower
         * @description With `format=csv`: the same figures as a CSV table (text/csv).
         */
        get: {
            parameters: {
                query: {
                    /** @description csv: the same figures as a CSV table (text/csv), one row per item */
                    format?: "json" | "csv";
                    /** @description Campaign ids, the key repeated (`ids=…&ids=…`): 1 to 10 */
                    ids: string | string[];
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            campaigns: {
                                /** Format: uuid */
                                campaignId: string;
                                /** @description Short-link clicks, bots and repeats excluded */
                                clicks: number;
                                clicksPerPost: number | null;
                                /** @description Engagements of the targets with a followers read / their followersAtPublish; null when none has one */
                                engagementRate: number | null;
                                /** @description likes + reposts + replies + quotes */
                                engagements: number;
                                /** @description Same as engagementRate: engagements / followers at publishing */
                                engagementsPerFollower: number | null;
                                engagementsPerPost: number | null;
                                /** @description Sum over targets of the channel's followers when each was published (targets with a read) */
                                followersAtPublish: number;
                                /** @description Sum of the impressions of the targets whose network gives them (X's impression_count, a LinkedIn organization's share statistics, Facebook's post_impressions, Instagram's and Threads' views); targets without impressions (Bluesky, Mastodon, a LinkedIn member's posts, a post whose insights the network refused) are not counted; null when none has them */
                                impressions: number | null;
                                likes: number;
                                name: string;
                                /** @description Published posts */
                                posts: number;
                                /** @description Bluesky only; 0 on Mastodon, which has no quote count */
                                quotes: number;
                                replies: number;
                                reposts: number;
                                /** @description Published posts × channels */
                                targets: number;
                                /** @description How many targets the impressions sum is over */
                                targetsWithImpressions: number;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/channels/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A channel's figures over a range: per post, per day, and its followers
         * @description With `format=csv`: the same figures as a CSV table (text/csv). The range is at most 366 days.
         */
        get: {
            parameters: {
                query?: {
                    /** @description csv: the same figures as a CSV table (text/csv), one row per item */
                    format?: "json" | "csv";
                    /** @description Default: 30 days before to */
                    from?: string;
                    /** @description IANA time zone the days are counted in; default UTC */
                    timeZone?: string;
                    /** @description Default: now */
                    to?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            audience: {
                                /** @description Since the previous day with a read; null on the first */
                                change: number | null;
                                day: string;
                                followers: number;
                            }[];
                            /** @description By day of publishing */
                            byDay: {
                                /** @description Short-link clicks, bots and repeats excluded */
                                clicks: number;
                                /** @description YYYY-MM-DD in the timeZone asked for */
                                day: string;
                                /** @description Engagements of the targets with a followers read / their followersAtPublish; null when none has one */
                                engagementRate: number | null;
                                /** @description likes + reposts + replies + quotes */
                                engagements: number;
                                /** @description Sum over targets of the channel's followers when each was published (targets with a read) */
                                followersAtPublish: number;
                                /** @description Sum of the impressions of the targets whose network gives them (X's impression_count, a LinkedIn organization's share statistics, Facebook's post_impressions, Instagram's and Threads' views); targets without impressions (Bluesky, Mastodon, a LinkedIn member's posts, a post whose insights the network refused) are not counted; null when none has them */
                                impressions: number | null;
                                likes: number;
                                /** @description Published posts */
                                posts: number;
                                /** @description Bluesky only; 0 on Mastodon, which has no quote count */
                                quotes: number;
                                replies: number;
                                reposts: number;
                                /** @description Published posts × channels */
                                targets: number;
                                /** @description How many targets the impressions sum is over */
                                targetsWithImpressions: number;
                            }[];
                            /** Format: uuid */
                            channelId: string;
                            channelName: string;
                            from: string;
                            targets: {
                                /** Format: uuid */
                                campaignId: string | null;
                                /** Format: uuid */
                                channelId: string;
                                channelName: string;
                                /** @description Short-link clicks, bots and repeats excluded */
                                clicks: number;
                                /** @description engagements / followersAtPublish */
                                engagementRate: number | null;
                                /** @description likes + reposts + replies + quotes */
                                engagements: number;
                                followersAtPublish: number | null;
                                /** @description Times the network showed it (X's impression_count, a LinkedIn organization's share statistics, Facebook's post_impressions, Instagram's and Threads' views); null where the network does not say (Bluesky, Mastodon, a LinkedIn member's posts) or refused to for this post */
                                impressions: number | null;
                                likes: number;
                                /**
                                 * @description The offset of the snapshot the counts come from
                                 * @enum {string|null}
                                 */
                                offsetLabel: "+1h" | "+6h" | "+24h" | "+3d" | "+7d" | "+30d" | null;
                                /** Format: uuid */
                                postId: string;
                                /** @enum {string} */
                                provider: "bluesky" | "webhook" | "mastodon" | "x" | "linkedin" | "facebook" | "instagram" | "threads";
                                publishedAt: string;
                                /** @description Bluesky only; 0 on Mastodon, which has no quote count */
                                quotes: number;
                                replies: number;
                                reposts: number;
                                /**
                                 * @description The latest snapshot: ok, missing (the network does not show it), deleted; null before the first
                                 * @enum {string|null}
                                 */
                                status: "ok" | "missing" | "deleted" | null;
                                /** Format: uuid */
                                targetId: string;
                            }[];
                            timeZone: string;
                            to: string;
                            /** @description Sums over published targets, from the latest snapshot with counts of each */
                            totals: {
                                /** @description Short-link clicks, bots and repeats excluded */
                                clicks: number;
                                /** @description Engagements of the targets with a followers read / their followersAtPublish; null when none has one */
                                engagementRate: number | null;
                                /** @description likes + reposts + replies + quotes */
                                engagements: number;
                                /** @description Sum over targets of the channel's followers when each was published (targets with a read) */
                                followersAtPublish: number;
                                /** @description Sum of the impressions of the targets whose network gives them (X's impression_count, a LinkedIn organization's share statistics, Facebook's post_impressions, Instagram's and Threads' views); targets without impressions (Bluesky, Mastodon, a LinkedIn member's posts, a post whose insights the network refused) are not counted; null when none has them */
                                impressions: number | null;
                                likes: number;
                                /** @description Published posts */
                                posts: number;
                                /** @description Bluesky only; 0 on Mastodon, which has no quote count */
                                quotes: number;
                                replies: number;
                                reposts: number;
                                /** @description Published posts × channels */
                                targets: number;
                                /** @description How many targets the impressions sum is over */
                                targetsWithImpressions: number;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/channels/{id}/best-times": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Best times to post on a channel: engagement rate by weekday × hour, and suggested queue slots
         * @description From the workspace's own posts on the channel in the range (default: the last 180 days), in the channel's time zone. With `format=csv`: the same figures as a CSV table (text/csv).
         */
        get: {
            parameters: {
                query?: {
                    /** @description csv: the same figures as a CSV table (text/csv), one row per item */
                    format?: "json" | "csv";
                    /** @description Default: 30 days before to */
                    from?: string;
                    /** @description Default: now */
                    to?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            channelId: string;
                            channelName: string;
                            /**
                             * @description none: no slot has 3 posts; thin: fewer than 20 posts in all, or the best slot has fewer than 5
                             * @enum {string}
                             */
                            confidence: "enough" | "thin" | "none";
                            from: string;
                            /** @description Why the suggestions should be taken with care, when they should */
                            note: string | null;
                            /** @description Posts in the range with counts and a followers read */
                            sample: number;
                            /** @description Every slot with posts, best first */
                            slots: {
                                /** @description 1 = Monday … 7 = Sunday, in the channel’s time zone */
                                day: number;
                                /** @description Mean of their engagement rates */
                                engagementRate: number;
                                /** @description 0–23, in the channel’s time zone */
                                hour: number;
                                /** @description Posts published in this slot with an engagement rate */
                                posts: number;
                            }[];
                            /** @description Up to 3 queue slots (ranked slots with at least 3 posts), best first */
                            suggestions: {
                                day: number;
                                engagementRate: number;
                                posts: number;
                                time: string;
                            }[];
                            /** @description The channel's time zone (its queue's) */
                            timeZone: string;
                            to: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/channels/{id}/best-times/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add the suggested best times to the channel's queue slots, in one call
         * @description The suggestions of GET …/best-times (default range) are added to the queue slots (or replace them with `replace: true`); refused (409) when there are none.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description Replace the queue slots instead
                         * @default false
                         */
                        replace?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Who the channel posts as: a Bluesky DID, a webhook host */
                            accountRef: string;
                            createdAt: string;
                            /** @description Whether sends to this channel go through */
                            health: {
                                consecutiveFailures: number;
                                failingSince: string | null;
                                /** @description False after three failed sends in a row, or refused credentials, until a send goes through or the channel is reconnected */
                                healthy: boolean;
                                lastError: string | null;
                            };
                            /** Format: uuid */
                            id: string;
                            minGapMinutes: number;
                            name: string;
                            /** @enum {string} */
                            provider: "bluesky" | "webhook" | "mastodon" | "x" | "linkedin" | "facebook" | "instagram" | "threads";
                            slots: {
                                day: number;
                                time: string;
                            }[];
                            /**
                             * @description `needs_reconnect`: the network stopped accepting Chorus's access (an OAuth channel whose token refresh was refused); its posts wait until an owner or admin reconnects it (POST /v1/channels/connect/{provider})
                             * @enum {string}
                             */
                            status: "connected" | "needs_reconnect";
                            timezone: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/export/{dataset}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Raw analytics rows for BI tools and CRMs, in keyset pages (JSON, NDJSON or CSV)
         * @description Datasets: `snapshots`: every metrics snapshot taken in the range (a post target at an offset), by id; `posts`: every published post target of the range with its latest counts, engagement rate and clicks, by publishing time; `campaigns`: campaigns running in the range with their totals, by start (pages of at most 100); `audience`: every followers read of the workspace's channels in the range, by time; `clicks`: every short-link click in the range, counted or not, by id.
         *
         *     Pages: pass the previous page's `nextCursor` as `cursor` (same dataset, same range) until it is null. With NDJSON and CSV the next cursor is in the `Chorus-Next-Cursor` header (absent on the last page) and in a `Link: <…>; rel="next"` header.
         *
         *     Range: `from`/`to` (default the last 30 days, at most 366 days).
         */
        get: {
            parameters: {
                query?: {
                    /** @description The previous page's nextCursor */
                    cursor?: string;
                    format?: "json" | "ndjson" | "csv";
                    from?: string;
                    /** @description Rows per page, at most 5000 (campaigns: at most 100) */
                    limit?: number;
                    to?: string;
                };
                header?: never;
                path: {
                    /** @description What to export */
                    dataset: "snapshots" | "posts" | "campaigns" | "audience" | "clicks";
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: ({
                                /** Format: uuid */
                                campaignId: string | null;
                                /** Format: uuid */
                                channelId: string;
                                /** @description Null where the network does not say */
                                impressions: number | null;
                                likes: number | null;
                                /** @enum {string} */
                                offsetLabel: "+1h" | "+6h" | "+24h" | "+3d" | "+7d" | "+30d";
                                /** Format: uuid */
                                postId: string;
                                quotes: number | null;
                                replies: number | null;
                                reposts: number | null;
                                snapshotId: string;
                                /** @enum {string} */
                                status: "ok" | "missing" | "deleted";
                                takenAt: string;
                                /** Format: uuid */
                                targetId: string;
                            } | {
                                /** Format: uuid */
                                campaignId: string | null;
                                /** Format: uuid */
                                channelId: string;
                                channelName: string;
                                clicks: number;
                                engagementRate: number | null;
                                engagements: number;
                                followersAtPublish: number | null;
                                /** @description Null where the network does not say */
                                impressions: number | null;
                                likes: number;
                                /** @enum {string|null} */
                                offsetLabel: "+1h" | "+6h" | "+24h" | "+3d" | "+7d" | "+30d" | null;
                                /** Format: uuid */
                                postId: string;
                                /** @enum {string} */
                                provider: "bluesky" | "webhook" | "mastodon" | "x" | "linkedin" | "facebook" | "instagram" | "threads";
                                publishedAt: string;
                                quotes: number;
                                replies: number;
                                reposts: number;
                                /** @enum {string|null} */
                                status: "ok" | "missing" | "deleted" | null;
                                /** Format: uuid */
                                targetId: string;
                            } | {
                                /** Format: uuid */
                                campaignId: string;
                                /** @description Short-link clicks, bots and repeats excluded */
                                clicks: number;
                                endsAt: string;
                                /** @description Engagements of the targets with a followers read / their followersAtPublish; null when none has one */
                                engagementRate: number | null;
                                /** @description likes + reposts + replies + quotes */
                                engagements: number;
                                /** @description Sum over targets of the channel's followers when each was published (targets with a read) */
                                followersAtPublish: number;
                                /** @description Sum of the impressions of the targets whose network gives them (X's impression_count, a LinkedIn organization's share statistics, Facebook's post_impressions, Instagram's and Threads' views); targets without impressions (Bluesky, Mastodon, a LinkedIn member's posts, a post whose insights the network refused) are not counted; null when none has them */
                                impressions: number | null;
                                likes: number;
                                name: string;
                                /** @description Published posts */
                                posts: number;
                                /** @description Bluesky only; 0 on Mastodon, which has no quote count */
                                quotes: number;
                                replies: number;
                                reposts: number;
                                startsAt: string;
                                /** @enum {string} */
                                status: "draft" | "in_review" | "scheduled" | "live" | "paused" | "completed" | "cancelled" | "rejected";
                                /** @description Comma-separated */
                                tags: string;
                                /** @description Published posts × channels */
                                targets: number;
                                /** @description How many targets the impressions sum is over */
                                targetsWithImpressions: number;
                            } | {
                                /** Format: uuid */
                                channelId: string;
                                channelName: string;
                                followers: number;
                                /** @enum {string} */
                                provider: "bluesky" | "webhook" | "mastodon" | "x" | "linkedin" | "facebook" | "instagram" | "threads";
                                takenAt: string;
                            } | {
                                /** Format: uuid */
                                campaignId: string | null;
                                /** Format: uuid */
                                channelId: string | null;
                                clickedAt: string;
                                clickId: string;
                                code: string;
                                counted: boolean;
                                /**
                                 * @description Why the click is not counted
                                 * @enum {string|null}
                                 */
                                excluded: "bot" | "repeat" | null;
                                /** Format: uuid */
                                postId: string | null;
                                targetUrl: string;
                                /** @description A hash of address and user agent, never the address */
                                visitor: string;
                            })[];
                            /** @enum {string} */
                            dataset: "snapshots" | "posts" | "campaigns" | "audience" | "clicks";
                            from: string;
                            /** @description null on the last page */
                            nextCursor: string | null;
                            to: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/overview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The dashboard: publishing, audience, listening and inbox figures of a range
         * @description With `format=csv`: the same figures as a CSV table (text/csv). One row. The range is at most 366 days.
         */
        get: {
            parameters: {
                query?: {
                    /** @description csv: the same figures as a CSV table (text/csv), one row per item */
                    format?: "json" | "csv";
                    /** @description Default: 30 days before to */
                    from?: string;
                    /** @description IANA time zone the days are counted in; default UTC */
                    timeZone?: string;
                    /** @description Default: now */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            audience: {
                                /** @description Bluesky and Mastodon channels */
                                channels: number;
                                /** @description Sum of each channel's latest followers read */
                                followers: number;
                                /** @description Followers gained in the range, over the channels with reads in it */
                                growth: number;
                            };
                            from: string;
                            inbox: {
                                /** @description Conversations that started in the range (spam left out) */
                                conversations: number;
                                /** @description Of those, first response later than the SLA target */
                                firstResponseBreached: number;
                                medianFirstResponseMinutes: number | null;
                                /** @description Of those, answered */
                                responded: number;
                            };
                            listening: {
                                /** @description By label (a person's correction first) */
                                bySentiment: {
                                    [key: string]: number;
                                };
                                leads: number;
                                /** @description Mentions posted in the range, every query */
                                mentions: number;
                            };
                            /** @description Posts published in the range (their latest counts) */
                            publishing: {
                                /** @description Short-link clicks, bots and repeats excluded */
                                clicks: number;
                                /** @description Engagements of the targets with a followers read / their followersAtPublish; null when none has one */
                                engagementRate: number | null;
                                /** @description likes + reposts + replies + quotes */
                                engagements: number;
                                /** @description Sum over targets of the channel's followers when each was published (targets with a read) */
                                followersAtPublish: number;
                                /** @description Sum of the impressions of the targets whose network gives them (X's impression_count, a LinkedIn organization's share statistics, Facebook's post_impressions, Instagram's and Threads' views); targets without impressions (Bluesky, Mastodon, a LinkedIn member's posts, a post whose insights the network refused) are not counted; null when none has them */
                                impressions: number | null;
                                likes: number;
                                /** @description Published posts */
                                posts: number;
                                /** @description Bluesky only; 0 on Mastodon, which has no quote count */
                                quotes: number;
                                replies: number;
                                reposts: number;
                                /** @description Published posts × channels */
                                targets: number;
                                /** @description How many targets the impressions sum is over */
                                targetsWithImpressions: number;
                            };
                            to: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/posts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A post's figures per channel: counts, engagement rate, clicks, and each snapshot
         * @description With `format=csv`: the same figures as a CSV table (text/csv).
         */
        get: {
            parameters: {
                query?: {
                    /** @description csv: the same figures as a CSV table (text/csv), one row per item */
                    format?: "json" | "csv";
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            campaignId: string | null;
                            /** Format: uuid */
                            postId: string;
                            targets: {
                                /** Format: uuid */
                                campaignId: string | null;
                                /** Format: uuid */
                                channelId: string;
                                channelName: string;
                                /** @description Short-link clicks, bots and repeats excluded */
                                clicks: number;
                                /** @description engagements / followersAtPublish */
                                engagementRate: number | null;
                                /** @description likes + reposts + replies + quotes */
                                engagements: number;
                                followersAtPublish: number | null;
                                /** @description Times the network showed it (X's impression_count, a LinkedIn organization's share statistics, Facebook's post_impressions, Instagram's and Threads' views); null where the network does not say (Bluesky, Mastodon, a LinkedIn member's posts) or refused to for this post */
                                impressions: number | null;
                                likes: number;
                                /**
                                 * @description The offset of the snapshot the counts come from
                                 * @enum {string|null}
                                 */
                                offsetLabel: "+1h" | "+6h" | "+24h" | "+3d" | "+7d" | "+30d" | null;
                                /** Format: uuid */
                                postId: string;
                                /** @enum {string} */
                                provider: "bluesky" | "webhook" | "mastodon" | "x" | "linkedin" | "facebook" | "instagram" | "threads";
                                publishedAt: string;
                                /** @description Bluesky only; 0 on Mastodon, which has no quote count */
                                quotes: number;
                                replies: number;
                                reposts: number;
                                /** @description Growth over time */
                                snapshots: {
                                    /** @description Null where the network does not say */
                                    impressions: number | null;
                                    likes: number | null;
                                    /** @enum {string} */
                                    offsetLabel: "+1h" | "+6h" | "+24h" | "+3d" | "+7d" | "+30d";
                                    quotes: number | null;
                                    replies: number | null;
                                    reposts: number | null;
                                    /** @enum {string} */
                                    status: "ok" | "missing" | "deleted";
                                    takenAt: string;
                                }[];
                                /**
                                 * @description The latest snapshot: ok, missing (the network does not show it), deleted; null before the first
                                 * @enum {string|null}
                                 */
                                status: "ok" | "missing" | "deleted" | null;
                                /** Format: uuid */
                                targetId: string;
                            }[];
                            /** @description Sums over published targets, from the latest snapshot with counts of each */
                            totals: {
                                /** @description Short-link clicks, bots and repeats excluded */
                                clicks: number;
                                /** @description Engagements of the targets with a followers read / their followersAtPublish; null when none has one */
                                engagementRate: number | null;
                                /** @description likes + reposts + replies + quotes */
                                engagements: number;
                                /** @description Sum over targets of the channel's followers when each was published (targets with a read) */
                                followersAtPublish: number;
                                /** @description Sum of the impressions of the targets whose network gives them (X's impression_count, a LinkedIn organization's share statistics, Facebook's post_impressions, Instagram's and Threads' views); targets without impressions (Bluesky, Mastodon, a LinkedIn member's posts, a post whose insights the network refused) are not counted; null when none has them */
                                impressions: number | null;
                                likes: number;
                                /** @description Published posts */
                                posts: number;
                                /** @description Bluesky only; 0 on Mastodon, which has no quote count */
                                quotes: number;
                                replies: number;
                                reposts: number;
                                /** @description Published posts × channels */
                                targets: number;
                                /** @description How many targets the impressions sum is over */
                                targetsWithImpressions: number;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/short-links": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The workspace's short links with their counted clicks, newest first (at most 1,000)
         * @description With `format=csv`: the same figures as a CSV table (text/csv).
         */
        get: {
            parameters: {
                query?: {
                    campaignId?: string;
                    /** @description csv: the same figures as a CSV table (text/csv), one row per item */
                    format?: "json" | "csv";
                    postId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            links: {
                                /** Format: uuid */
                                campaignId: string | null;
                                /** Format: uuid */
                                channelId: string | null;
                                /** @description Bots and repeats within 30 minutes excluded */
                                clicks: number;
                                code: string;
                                createdAt: string;
                                /** Format: uuid */
                                postId: string | null;
                                /** @description `/l/<code>` on this server */
                                shortUrl: string;
                                /** @description Where the redirect goes, UTM parameters included */
                                targetUrl: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Make a Chorus short link (`/l/<code>`) whose clicks are counted
         * @description The target URL is kept as given, UTM parameters included; the redirect sends visitors there. Name the campaign, post and channel the clicks count for.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: uuid */
                        campaignId?: string;
                        /** Format: uuid */
                        channelId?: string;
                        /** Format: uuid */
                        postId?: string;
                        /** Format: uri */
                        url: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            campaignId: string | null;
                            /** Format: uuid */
                            channelId: string | null;
                            /** @description Bots and repeats within 30 minutes excluded */
                            clicks: number;
                            code: string;
                            createdAt: string;
                            /** Format: uuid */
                            postId: string | null;
                            /** @description `/l/<code>` on this server */
                            shortUrl: string;
                            /** @description Where the redirect goes, UTM parameters included */
                            targetUrl: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/weekly-report": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The weekly report's settings and when the next one goes out */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            enabled: boolean;
                            /** @description Hour it goes out (local to timeZone) */
                            hour: number;
                            /** @description When the next report goes out and the week it covers; null while off */
                            next: {
                                at: string;
                                from: string;
                                periodKey: string;
                                to: string;
                            } | null;
                            /** @description Who gets it */
                            recipients: string;
                            /** @description IANA time zone, e.g. Europe/Berlin */
                            timeZone: string;
                            /** @description null: never set (the defaults, off) */
                            updatedAt: string | null;
                            /** @description ISO weekday the report goes out: 1 = Monday … 7 = Sunday */
                            weekday: number;
                        };
                    };
                };
            };
        };
        /**
         * Turn the weekly report on or off, and say when it goes out
         * @description The workspace's notification webhook (signed, type analytics.weekly_report), and by email (when SMTP is set) its owners and admins. It covers the seven days before it goes out, compared with the seven before those; once per week, whatever the changes in between.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        enabled: boolean;
                        /** @description Hour it goes out (local to timeZone) */
                        hour: number;
                        /** @description IANA time zone, e.g. Europe/Berlin */
                        timeZone: string;
                        /** @description ISO weekday the report goes out: 1 = Monday … 7 = Sunday */
                        weekday: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            enabled: boolean;
                            /** @description Hour it goes out (local to timeZone) */
                            hour: number;
                            /** @description When the next report goes out and the week it covers; null while off */
                            next: {
                                at: string;
                                from: string;
                                periodKey: string;
                                to: string;
                            } | null;
                            /** @description Who gets it */
                            recipients: string;
                            /** @description IANA time zone, e.g. Europe/Berlin */
                            timeZone: string;
                            /** @description null: never set (the defaults, off) */
                            updatedAt: string | null;
                            /** @description ISO weekday the report goes out: 1 = Monday … 7 = Sunday */
                            weekday: number;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/weekly-report/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The weekly report of the last seven days, as it would be sent (nothing is sent) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            audience: {
                                /** Format: uuid */
                                channelId: string;
                                channelName: string;
                                followers: number | null;
                                growth: number | null;
                            }[];
                            compared: {
                                clicks: {
                                    /** @description current − previous; null when either is */
                                    change: number | null;
                                    current: number | null;
                                    previous: number | null;
                                };
                                engagementRate: {
                                    /** @description current − previous; null when either is */
                                    change: number | null;
                                    current: number | null;
                                    previous: number | null;
                                };
                                engagements: {
                                    /** @description current − previous; null when either is */
                                    change: number | null;
                                    current: number | null;
                                    previous: number | null;
                                };
                                firstResponseBreached: {
                                    /** @description current − previous; null when either is */
                                    change: number | null;
                                    current: number | null;
                                    previous: number | null;
                                };
                                followerGrowth: {
                                    /** @description current − previous; null when either is */
                                    change: number | null;
                                    current: number | null;
                                    previous: number | null;
                                };
                                mentions: {
                                    /** @description current − previous; null when either is */
                                    change: number | null;
                                    current: number | null;
                                    previous: number | null;
                                };
                                posts: {
                                    /** @description current − previous; null when either is */
                                    change: number | null;
                                    current: number | null;
                                    previous: number | null;
                                };
                            };
                            dashboardUrl: string;
                            from: string;
                            periodKey: string;
                            /** @description The same, as plain text (the email body) */
                            summary: string;
                            thisWeek: {
                                audience: {
                                    /** @description Bluesky and Mastodon channels */
                                    channels: number;
                                    /** @description Sum of each channel's latest followers read */
                                    followers: number;
                                    /** @description Followers gained in the range, over the channels with reads in it */
                                    growth: number;
                                };
                                from: string;
                                inbox: {
                                    /** @description Conversations that started in the range (spam left out) */
                                    conversations: number;
                                    /** @description Of those, first response later than the SLA target */
                                    firstResponseBreached: number;
                                    medianFirstResponseMinutes: number | null;
                                    /** @description Of those, answered */
                                    responded: number;
                                };
                                listening: {
                                    /** @description By label (a person's correction first) */
                                    bySentiment: {
                                        [key: string]: number;
                                    };
                                    leads: number;
                                    /** @description Mentions posted in the range, every query */
                                    mentions: number;
                                };
                                /** @description Posts published in the range (their latest counts) */
                                publishing: {
                                    /** @description Short-link clicks, bots and repeats excluded */
                                    clicks: number;
                                    /** @description Engagements of the targets with a followers read / their followersAtPublish; null when none has one */
                                    engagementRate: number | null;
                                    /** @description likes + reposts + replies + quotes */
                                    engagements: number;
                                    /** @description Sum over targets of the channel's followers when each was published (targets with a read) */
                                    followersAtPublish: number;
                                    /** @description Sum of the impressions of the targets whose network gives them (X's impression_count, a LinkedIn organization's share statistics, Facebook's post_impressions, Instagram's and Threads' views); targets without impressions (Bluesky, Mastodon, a LinkedIn member's posts, a post whose insights the network refused) are not counted; null when none has them */
                                    impressions: number | null;
                                    likes: number;
                                    /** @description Published posts */
                                    posts: number;
                                    /** @description Bluesky only; 0 on Mastodon, which has no quote count */
                                    quotes: number;
                                    replies: number;
                                    reposts: number;
                                    /** @description Published posts × channels */
                                    targets: number;
                                    /** @description How many targets the impressions sum is over */
                                    targetsWithImpressions: number;
                                };
                                to: string;
                            };
                            timeZone: string;
                            to: string;
                            topPosts: {
                                channels: string[];
                                clicks: number;
                                engagementRate: number | null;
                                engagements: number;
                                /** Format: uuid */
                                postId: string;
                                text: string;
                                url: string;
                            }[];
                            weekBefore: {
                                audience: {
                                    /** @description Bluesky and Mastodon channels */
                                    channels: number;
                                    /** @description Sum of each channel's latest followers read */
                                    followers: number;
                                    /** @description Followers gained in the range, over the channels with reads in it */
                                    growth: number;
                                };
                                from: string;
                                inbox: {
                                    /** @description Conversations that started in the range (spam left out) */
                                    conversations: number;
                                    /** @description Of those, first response later than the SLA target */
                                    firstResponseBreached: number;
                                    medianFirstResponseMinutes: number | null;
                                    /** @description Of those, answered */
                                    responded: number;
                                };
                                listening: {
                                    /** @description By label (a person's correction first) */
                                    bySentiment: {
                                        [key: string]: number;
                                    };
                                    leads: number;
                                    /** @description Mentions posted in the range, every query */
                                    mentions: number;
                                };
                                /** @description Posts published in the range (their latest counts) */
                                publishing: {
                                    /** @description Short-link clicks, bots and repeats excluded */
                                    clicks: number;
                                    /** @description Engagements of the targets with a followers read / their followersAtPublish; null when none has one */
                                    engagementRate: number | null;
                                    /** @description likes + reposts + replies + quotes */
                                    engagements: number;
                                    /** @description Sum over targets of the channel's followers when each was published (targets with a read) */
                                    followersAtPublish: number;
                                    /** @description Sum of the impressions of the targets whose network gives them (X's impression_count, a LinkedIn organization's share statistics, Facebook's post_impressions, Instagram's and Threads' views); targets without impressions (Bluesky, Mastodon, a LinkedIn member's posts, a post whose insights the network refused) are not counted; null when none has them */
                                    impressions: number | null;
                                    likes: number;
                                    /** @description Published posts */
                                    posts: number;
                                    /** @description Bluesky only; 0 on Mastodon, which has no quote count */
                                    quotes: number;
                                    replies: number;
                                    reposts: number;
                                    /** @description Published posts × channels */
                                    targets: number;
                                    /** @description How many targets the impressions sum is over */
                                    targetsWithImpressions: number;
                                };
                                to: string;
                            };
                            /** Format: uuid */
                            workspaceId: string;
                            workspaceName: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/approval-policies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Approval policies of your workspace */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            policies: {
                                /** Format: uuid */
                                campaignId: string | null;
                                /** Format: uuid */
                                channelId: string | null;
                                distinctApprovers: boolean;
                                /** Format: uuid */
                                id: string;
                                steps: {
                                    approvers: {
                                        roles?: ("owner" | "admin" | "editor" | "approver" | "analyst")[];
                                        userIds?: string[];
                                    };
                                    deadlineSeconds?: number;
                                    escalateTo?: {
                                        roles?: ("owner" | "admin" | "editor" | "approver" | "analyst")[];
                                        userIds?: string[];
                                    };
                                    /** @enum {string} */
                                    mode: "any" | "all" | "quorum";
                                    name: string;
                                    quorum?: number;
                                    remindBeforeSeconds?: number;
                                    /** @description Set on steps a content rule inserted */
                                    source?: string;
                                }[];
                                updatedAt: string;
                                updatedBy: string;
                            }[];
                        };
                    };
                };
            };
        };
        /** Set the approval chain for the workspace, one channel or one campaign */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * Format: uuid
                         * @description A campaign's policy: its posts and its plan's review take it instead of any other
                         * @default null
                         */
                        campaignId?: string | null;
                        /**
                         * Format: uuid
                         * @description A channel's policy; omit both ids for the workspace-wide policy
                         * @default null
                         */
                        channelId?: string | null;
                        /**
                         * @description One person approves at most one step of a round (as multi-tier approvals do); the chain must be satisfiable that way
                         * @default true
                         */
                        distinctApprovers?: boolean;
                        /** @description Ordered; an empty list removes approval */
                        steps: {
                            approvers: {
                                roles?: ("owner" | "admin" | "editor" | "approver" | "analyst")[];
                                userIds?: string[];
                            };
                            /** @description Time the step may take before it escalates */
                            deadlineSeconds?: number;
                            /** @description Notified at the deadline, and eligible to decide from then on */
                            escalateTo?: {
                                roles?: ("owner" | "admin" | "editor" | "approver" | "analyst")[];
                                userIds?: string[];
                            };
                            /** @enum {string} */
                            mode: "any" | "all" | "quorum";
                            name: string;
                            quorum?: number;
                            /** @description Remind pending approvers this long before the deadline */
                            remindBeforeSeconds?: number;
                        }[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            campaignId: string | null;
                            /** Format: uuid */
                            channelId: string | null;
                            distinctApprovers: boolean;
                            /** Format: uuid */
                            id: string;
                            steps: {
                                approvers: {
                                    roles?: ("owner" | "admin" | "editor" | "approver" | "analyst")[];
                                    userIds?: string[];
                                };
                                deadlineSeconds?: number;
                                escalateTo?: {
                                    roles?: ("owner" | "admin" | "editor" | "approver" | "analyst")[];
                                    userIds?: string[];
                                };
                                /** @enum {string} */
                                mode: "any" | "all" | "quorum";
                                name: string;
                                quorum?: number;
                                remindBeforeSeconds?: number;
                                /** @description Set on steps a content rule inserted */
                                source?: string;
                            }[];
                            updatedAt: string;
                            updatedBy: string;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/approvals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Posts awaiting approval (mine=true: waiting for me) or expired before approval */
        get: {
            parameters: {
                query?: {
                    mine?: "true" | "false";
                    state?: "pending" | "expired";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            posts: {
                                /** Format: uuid */
                                authorId: string;
                                /** Format: uuid */
                                campaignId: string | null;
                                createdAt: string;
                                /** Format: uuid */
                                id: string;
                                /** Format: uuid */
                                libraryItemId: string | null;
                                /** @description Attached media, in order */
                                media: {
                                    alt: string;
                                    bytes: number;
                                    contentType: string;
                                    height: number | null;
                                    /**
                                     * Format: uuid
                                     * @description The library media item it came from, if any
                                     */
                                    libraryItemId: string | null;
                                    /** Format: uuid */
                                    mediaId: string;
                                    width: number | null;
                                }[];
                                /** @description Made from an approved library item without changes, so it skipped its approval chain */
                                preApproved: boolean;
                                publishAt: string;
                                /** @enum {string} */
                                status: "awaiting_approval" | "changes_requested" | "scheduled" | "held" | "publishing" | "published" | "partially_published" | "failed" | "cancelled" | "rejected" | "expired";
                                targets: {
                                    attempts: number;
                                    /** Format: uuid */
                                    channelId: string;
                                    /** @description The network's id, e.g. the at:// URI of the Bluesky record */
                                    externalId: string | null;
                                    /** Format: uuid */
                                    id: string;
                                    lastError: string | null;
                                    publishedAt: string | null;
                                    /** @enum {string} */
                                    status: "pending" | "publishing" | "published" | "failed" | "cancelled";
                                    text: string;
                                    url: string | null;
                                }[];
                                text: string;
                                updatedAt: string;
                                workflowId: string;
                                /** Format: uuid */
                                workspaceId: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The audit log, newest first */
        get: {
            parameters: {
                query?: {
                    /** @description Also finds rows stored under the action's older name */
                    action?: "workspace.created" | "workspace.notification_webhook_set" | "member.added" | "member.role_changed" | "member.removed" | "invitation.created" | "invitation.reissued" | "invitation.revoked" | "invitation.accepted" | "service_account.created" | "api_token.created" | "api_token.revoked" | "session.created" | "session.switched" | "session.ended" | "user.password_set" | "channel.created" | "channel.slots_set" | "channel.reconnected" | "channel.needs_reconnect" | "channel.removed" | "post.created" | "post.edited" | "post.rescheduled" | "post.status_changed" | "post.approval_decided" | "campaign.created" | "campaign.posts_added" | "campaign.status_changed" | "campaign.approval_decided" | "recurrence.created" | "recurrence.status_changed" | "import_job.started" | "media.uploaded" | "library_item.created" | "library_item.status_changed" | "library_item.approval_decided" | "approval_policy.created" | "approval_policy.updated" | "content_rule.created" | "content_rule.deleted" | "listening_query.created" | "listening_query.updated" | "alert.opened" | "alert.acknowledged" | "ingest_key.created" | "ingest_key.revoked" | "conversation.updated" | "conversation.note_added" | "conversation.reply_requested" | "conversation.marked_spam" | "reply.approval_decided" | "inbox_settings.updated" | "inbox_settings.sla_targets_set" | "assignment_rule.created" | "assignment_rule.updated" | "assignment_rule.deleted" | "member.away_set";
                    /** @description User id */
                    actor?: string;
                    from?: string;
                    limit?: number;
                    /** @description Subject id, e.g. a post id */
                    subject?: string;
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            entries: {
                                /** @description <subject type>.<what happened>; see the README for the list */
                                action: string;
                                actor: {
                                    email: string | null;
                                    id: string;
                                    /** @description false: removed from the workspace since */
                                    member: boolean;
                                    name: string | null;
                                } | null;
                                /** @description null: done by Chorus itself (a workflow) */
                                actorId: string | null;
                                after: unknown;
                                at: string;
                                before: unknown;
                                hash: string;
                                id: string;
                                /** @description The name an older row was stored under, when it differs from action */
                                recordedAs?: string;
                                subjectId: string;
                                subjectType: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/checkpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Your workspace's signed audit checkpoints, newest first
         * @description Each vouches for the chain's length and newest row when it was made; the worker makes one when the chain moved (CHORUS_AUDIT_CHECKPOINT_SECONDS) and sends it to the notification webhook as `audit.checkpoint`.
         */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            checkpoints: {
                                at: string;
                                /** @description Rows in the chain when the checkpoint was made */
                                count: number;
                                /** @description When it reached the workspace's notification webhook; null: not (yet) sent */
                                deliveredAt: string | null;
                                /** @description That row's hash (its seal) */
                                headHash: string;
                                /** @description The newest of those rows */
                                headId: string;
                                id: string;
                                /** @description The audit key's fingerprint */
                                keyId: string;
                                /** @description HMAC-SHA256 under the audit key over the workspace id, count, head and time, hex */
                                signature: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Sign a checkpoint of the audit chain now and send it to the notification webhook
         * @description As the worker does periodically. 201 with the new checkpoint; 200 with the newest one when the chain has not moved since.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description null: the chain has no rows yet */
                            checkpoint: {
                                at: string;
                                /** @description Rows in the chain when the checkpoint was made */
                                count: number;
                                /** @description When it reached the workspace's notification webhook; null: not (yet) sent */
                                deliveredAt: string | null;
                                /** @description That row's hash (its seal) */
                                headHash: string;
                                /** @description The newest of those rows */
                                headId: string;
                                id: string;
                                /** @description The audit key's fingerprint */
                                keyId: string;
                                /** @description HMAC-SHA256 under the audit key over the workspace id, count, head and time, hex */
                                signature: string;
                            } | null;
                        };
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            checkpoint: {
                                at: string;
                                /** @description Rows in the chain when the checkpoint was made */
                                count: number;
                                /** @description When it reached the workspace's notification webhook; null: not (yet) sent */
                                deliveredAt: string | null;
                                /** @description That row's hash (its seal) */
                                headHash: string;
                                /** @description The newest of those rows */
                                headId: string;
                                id: string;
                                /** @description The audit key's fingerprint */
                                keyId: string;
                                /** @description HMAC-SHA256 under the audit key over the workspace id, count, head and time, hex */
                                signature: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Check your workspace's audit chain and its checkpoints; names the first broken row or checkpoint */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The first checkpoint that was altered, or that the chain no longer matches (rows deleted or rewritten) */
                            brokenCheckpoint?: {
                                id: string;
                                reason: string;
                            };
                            /** @description Rows that verified, from the first */
                            checked: number;
                            /** @description Checkpoints checked against the chain */
                            checkpoints: number;
                            /** @description The first row that is not what was written, and why */
                            firstBroken?: {
                                id: string;
                                reason: string;
                            };
                            /** @description The audit key's fingerprint that rows and checkpoints must carry */
                            keyId: string;
                            ok: boolean;
                            /** @description Of the rows checked, those written before the chain was keyed (anchored by the rows after them) */
                            unsealed: number;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/calendar": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Posts and free queue slots in a window, with the warnings a planner needs */
        get: {
            parameters: {
                query: {
                    campaignId?: string;
                    channelId?: string;
                    from: string;
                    to: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Queue slots still free, after now */
                            freeSlots: {
                                at: string;
                                /** Format: uuid */
                                channelId: string;
                            }[];
                            from: string;
                            posts: {
                                /** Format: uuid */
                                authorId: string;
                                /** Format: uuid */
                                campaignId: string | null;
                                createdAt: string;
                                /** Format: uuid */
                                id: string;
                                /** Format: uuid */
                                libraryItemId: string | null;
                                /** @description Attached media, in order */
                                media: {
                                    alt: string;
                                    bytes: number;
                                    contentType: string;
                                    height: number | null;
                                    /**
                                     * Format: uuid
                                     * @description The library media item it came from, if any
                                     */
                                    libraryItemId: string | null;
                                    /** Format: uuid */
                                    mediaId: string;
                                    width: number | null;
                                }[];
                                /** @description Made from an approved library item without changes, so it skipped its approval chain */
                                preApproved: boolean;
                                publishAt: string;
                                /** @enum {string} */
                                status: "awaiting_approval" | "changes_requested" | "scheduled" | "held" | "publishing" | "published" | "partially_published" | "failed" | "cancelled" | "rejected" | "expired";
                                targets: {
                                    attempts: number;
                                    /** Format: uuid */
                                    channelId: string;
                                    /** @description The network's id, e.g. the at:// URI of the Bluesky record */
                                    externalId: string | null;
                                    /** Format: uuid */
                                    id: string;
                                    lastError: string | null;
                                    publishedAt: string | null;
                                    /** @enum {string} */
                                    status: "pending" | "publishing" | "published" | "failed" | "cancelled";
                                    text: string;
                                    url: string | null;
                                }[];
                                text: string;
                                updatedAt: string;
                                workflowId: string;
                                /** Format: uuid */
                                workspaceId: string;
                            }[];
                            to: string;
                            warnings: {
                                /** Format: uuid */
                                channelId?: string;
                                /** @enum {string} */
                                kind: "min_gap" | "duplicate_text" | "outside_campaign" | "approval_near" | "needs_reconnect";
                                message: string;
                                postIds: string[];
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/campaigns": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Campaigns of your workspace */
        get: {
            parameters: {
                query?: {
                    status?: "draft" | "in_review" | "scheduled" | "live" | "paused" | "completed" | "cancelled" | "rejected";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            campaigns: {
                                channelIds: string[];
                                createdAt: string;
                                endsAt: string;
                                enforceDates: boolean;
                                /** Format: uuid */
                                id: string;
                                name: string;
                                objective: string | null;
                                /** Format: uuid */
                                ownerId: string;
                                /** @description Every link of the campaign's posts goes out as a Chorus short link (`/l/<code>`), its clicks counted */
                                shortLinks: boolean;
                                startsAt: string;
                                /** @enum {string} */
                                status: "draft" | "in_review" | "scheduled" | "live" | "paused" | "completed" | "cancelled" | "rejected";
                                tags: string[];
                                utm: {
                                    campaign: string;
                                    medium: string;
                                    sources?: {
                                        [key: string]: string;
                                    };
                                } | null;
                                workflowId: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a campaign (a draft); its workflow starts with it */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        channelIds: string[];
                        /** Format: date-time */
                        endsAt: string;
                        /**
                         * @description Refuse posts outside the campaign's dates
                         * @default true
                         */
                        enforceDates?: boolean;
                        name: string;
                        objective?: string;
                        /**
                         * @description Publish every link of the campaign's posts as a Chorus short link (one per post, channel and link, UTM tags kept in its target), so clicks are counted per post, channel and campaign
                         * @default false
                         */
                        shortLinks?: boolean;
                        /** Format: date-time */
                        startsAt: string;
                        /** @default [] */
                        tags?: string[];
                        utm?: {
                            /** @description Defaults to the campaign name */
                            campaign?: string;
                            /** @default social */
                            medium?: string;
                            /** @description utm_source per channel id; default: the channel's network */
                            sources?: {
                                [key: string]: string;
                            };
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            channelIds: string[];
                            createdAt: string;
                            endsAt: string;
                            enforceDates: boolean;
                            /** Format: uuid */
                            id: string;
                            name: string;
                            objective: string | null;
                            /** Format: uuid */
                            ownerId: string;
                            /** @description Every link of the campaign's posts goes out as a Chorus short link (`/l/<code>`), its clicks counted */
                            shortLinks: boolean;
                            startsAt: string;
                            /** @enum {string} */
                            status: "draft" | "in_review" | "scheduled" | "live" | "paused" | "completed" | "cancelled" | "rejected";
                            tags: string[];
                            utm: {
                                campaign: string;
                                medium: string;
                                sources?: {
                                    [key: string]: string;
                                };
                            } | null;
                            workflowId: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/campaigns/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A campaign with its progress: posts by status, overall and per channel */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            channelIds: string[];
                            createdAt: string;
                            endsAt: string;
                            enforceDates: boolean;
                            /** Format: uuid */
                            id: string;
                            name: string;
                            objective: string | null;
                            /** Format: uuid */
                            ownerId: string;
                            progress: {
                                byChannel: {
                                    [key: string]: {
                                        [key: string]: number;
                                    };
                                };
                                byStatus: {
                                    [key: string]: number;
                                };
                                total: number;
                            };
                            /** @description Every link of the campaign's posts goes out as a Chorus short link (`/l/<code>`), its clicks counted */
                            shortLinks: boolean;
                            startsAt: string;
                            /** @enum {string} */
                            status: "draft" | "in_review" | "scheduled" | "live" | "paused" | "completed" | "cancelled" | "rejected";
                            tags: string[];
                            utm: {
                                campaign: string;
                                medium: string;
                                sources?: {
                                    [key: string]: string;
                                };
                            } | null;
                            workflowId: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/campaigns/{id}/approval": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The campaign plan's approval chain (steps from 1), each person named */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            awaiting: {
                                email: string | null;
                                id: string;
                                /** @description false: removed from the workspace since */
                                member: boolean;
                                name: string | null;
                            }[];
                            /** @description Approvers of the current step who have not decided yet */
                            awaitingUserIds: string[];
                            /** @description The step waiting for decisions, from 1 (the index in steps plus one); null when none is */
                            currentStep: number | null;
                            /** @description When the current step escalates (its deadlineSeconds after it began); null without a deadline or when no step is pending */
                            deadline: string | null;
                            decisions: {
                                at: string;
                                comment?: string;
                                /** @enum {string} */
                                decision: "approve" | "reject" | "request_changes";
                                round: number;
                                /** @description From 1 */
                                step: number;
                                user: {
                                    email: string | null;
                                    id: string;
                                    /** @description false: removed from the workspace since */
                                    member: boolean;
                                    name: string | null;
                                };
                                userId: string;
                            }[];
                            /** @description One person approves at most one step of a round */
                            distinctApprovers: boolean;
                            /** @description Who changed the content in this round: they may not decide in it */
                            editorIds: string[];
                            /** @description From 0; each edit of the content starts a new round from step 1 */
                            round: number;
                            /** @enum {string} */
                            state: "pending" | "changes_requested" | "approved" | "rejected" | "expired" | "none";
                            steps: {
                                /** @description The eligible approvers (eligibleUserIds), named */
                                approvers: {
                                    email: string | null;
                                    id: string;
                                    /** @description false: removed from the workspace since */
                                    member: boolean;
                                    name: string | null;
                                }[];
                                deadlineSeconds?: number;
                                eligibleUserIds: string[];
                                escalateTo?: {
                                    email: string | null;
                                    id: string;
                                    /** @description false: removed from the workspace since */
                                    member: boolean;
                                    name: string | null;
                                }[];
                                escalateToUserIds?: string[];
                                /** @enum {string} */
                                mode: "any" | "all" | "quorum";
                                name: string;
                                quorum?: number;
                                remindBeforeSeconds?: number;
                                source?: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Decide on the campaign plan's current approval step (naming the step and round) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description A retry with the same key gets the first answer (same status and body) */
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        comment?: string;
                        /** @enum {string} */
                        decision: "approve" | "reject" | "request_changes";
                        /** @description The round it is for (the chain's round); after an edit started a new one it is refused (409) */
                        round: number;
                        /** @description The step it is for, from 1 (the chain's currentStep); a decision for another step is refused (409) */
                        step: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Approvers of the current step who have not decided yet */
                            awaitingUserIds: string[];
                            /** @description The step waiting for decisions, from 1 (the index in steps plus one); null when none is */
                            currentStep: number | null;
                            /** @description When the current step escalates (its deadlineSeconds after it began); null without a deadline or when no step is pending */
                            deadline: string | null;
                            decisions: {
                                at: string;
                                comment?: string;
                                /** @enum {string} */
                                decision: "approve" | "reject" | "request_changes";
                                round: number;
                                /** @description From 1 */
                                step: number;
                                userId: string;
                            }[];
                            /** @description One person approves at most one step of a round */
                            distinctApprovers: boolean;
                            /** @description Who changed the content in this round: they may not decide in it */
                            editorIds: string[];
                            /** @description From 0; each edit of the content starts a new round from step 1 */
                            round: number;
                            /** @enum {string} */
                            state: "pending" | "changes_requested" | "approved" | "rejected" | "expired" | "none";
                            steps: {
                                deadlineSeconds?: number;
                                eligibleUserIds: string[];
                                escalateToUserIds?: string[];
                                /** @enum {string} */
                                mode: "any" | "all" | "quorum";
                                name: string;
                                quorum?: number;
                                remindBeforeSeconds?: number;
                                source?: string;
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/campaigns/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel the campaign and every pending post */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The approval chain as the workflow holds it */
                            approval: {
                                [key: string]: unknown;
                            };
                            /** Format: uuid */
                            campaignId: string;
                            pausedAt: string | null;
                            /** @enum {string} */
                            status: "draft" | "in_review" | "scheduled" | "live" | "paused" | "completed" | "cancelled" | "rejected";
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/campaigns/{id}/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Live state, straight from the campaign's workflow */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            approval: {
                                /** @description Approvers of the current step who have not decided yet */
                                awaitingUserIds: string[];
                                /** @description The step waiting for decisions, from 1 (the index in steps plus one); null when none is */
                                currentStep: number | null;
                                /** @description When the current step escalates (its deadlineSeconds after it began); null without a deadline or when no step is pending */
                                deadline: string | null;
                                decisions: {
                                    at: string;
                                    comment?: string;
                                    /** @enum {string} */
                                    decision: "approve" | "reject" | "request_changes";
                                    round: number;
                                    /** @description From 1 */
                                    step: number;
                                    userId: string;
                                }[];
                                /** @description One person approves at most one step of a round */
                                distinctApprovers: boolean;
                                /** @description Who changed the content in this round: they may not decide in it */
                                editorIds: string[];
                                /** @description From 0; each edit of the content starts a new round from step 1 */
                                round: number;
                                /** @enum {string} */
                                state: "pending" | "changes_requested" | "approved" | "rejected" | "expired" | "none";
                                steps: {
                                    deadlineSeconds?: number;
                                    eligibleUserIds: string[];
                                    escalateToUserIds?: string[];
                                    /** @enum {string} */
                                    mode: "any" | "all" | "quorum";
                                    name: string;
                                    quorum?: number;
                                    remindBeforeSeconds?: number;
                                    source?: string;
                                }[];
                            };
                            /** Format: uuid */
                            campaignId: string;
                            pausedAt: string | null;
                            /** @enum {string} */
                            status: "draft" | "in_review" | "scheduled" | "live" | "paused" | "completed" | "cancelled" | "rejected";
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/campaigns/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Hold every pending post of the campaign */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The approval chain as the workflow holds it */
                            approval: {
                                [key: string]: unknown;
                            };
                            /** Format: uuid */
                            campaignId: string;
                            pausedAt: string | null;
                            /** @enum {string} */
                            status: "draft" | "in_review" | "scheduled" | "live" | "paused" | "completed" | "cancelled" | "rejected";
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/campaigns/{id}/posts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Add existing posts to the campaign (their text is not re-tagged) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        postIds: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            channelIds: string[];
                            createdAt: string;
                            endsAt: string;
                            enforceDates: boolean;
                            /** Format: uuid */
                            id: string;
                            name: string;
                            objective: string | null;
                            /** Format: uuid */
                            ownerId: string;
                            progress: {
                                byChannel: {
                                    [key: string]: {
                                        [key: string]: number;
                                    };
                                };
                                byStatus: {
                                    [key: string]: number;
                                };
                                total: number;
                            };
                            /** @description Every link of the campaign's posts goes out as a Chorus short link (`/l/<code>`), its clicks counted */
                            shortLinks: boolean;
                            startsAt: string;
                            /** @enum {string} */
                            status: "draft" | "in_review" | "scheduled" | "live" | "paused" | "completed" | "cancelled" | "rejected";
                            tags: string[];
                            utm: {
                                campaign: string;
                                medium: string;
                                sources?: {
                                    [key: string]: string;
                                };
                            } | null;
                            workflowId: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/campaigns/{id}/posts/approval": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Decide on many of the campaign's posts at once; each decision is checked and answered on its own
         * @description Never all-or-nothing: each result carries the status that decision alone would have had, with the post's chain (200) or the problem. Posts of other campaigns (422) or workspaces (404) are refused per item.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description A retry with the same key gets the first answer (same status and body) */
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Each decided on its own, in order: one refused does not stop the others */
                        decisions: {
                            comment?: string;
                            /** @enum {string} */
                            decision: "approve" | "reject" | "request_changes";
                            /** Format: uuid */
                            postId: string;
                            /** @description The round it is for (the chain's round); after an edit started a new one it is refused (409) */
                            round: number;
                            /** @description The step it is for, from 1 (the chain's currentStep); a decision for another step is refused (409) */
                            step: number;
                        }[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            results: {
                                /** @description The post's chain after the decision (status 200) */
                                approval?: {
                                    /** @description Approvers of the current step who have not decided yet */
                                    awaitingUserIds: string[];
                                    /** @description The step waiting for decisions, from 1 (the index in steps plus one); null when none is */
                                    currentStep: number | null;
                                    /** @description When the current step escalates (its deadlineSeconds after it began); null without a deadline or when no step is pending */
                                    deadline: string | null;
                                    decisions: {
                                        at: string;
                                        comment?: string;
                                        /** @enum {string} */
                                        decision: "approve" | "reject" | "request_changes";
                                        round: number;
                                        /** @description From 1 */
                                        step: number;
                                        userId: string;
                                    }[];
                                    /** @description One person approves at most one step of a round */
                                    distinctApprovers: boolean;
                                    /** @description Who changed the content in this round: they may not decide in it */
                                    editorIds: string[];
                                    /** @description From 0; each edit of the content starts a new round from step 1 */
                                    round: number;
                                    /** @enum {string} */
                                    state: "pending" | "changes_requested" | "approved" | "rejected" | "expired" | "none";
                                    steps: {
                                        deadlineSeconds?: number;
                                        eligibleUserIds: string[];
                                        escalateToUserIds?: string[];
                                        /** @enum {string} */
                                        mode: "any" | "all" | "quorum";
                                        name: string;
                                        quorum?: number;
                                        remindBeforeSeconds?: number;
                                        source?: string;
                                    }[];
                                };
                                /** Format: uuid */
                                postId: string;
                                /** @description Why the decision was refused (any other status) */
                                problem?: {
                                    detail: string;
                                    errors?: {
                                        field: string;
                                        message: string;
                                        rule: string;
                                    }[];
                                    instance?: string;
                                    status: number;
                                    title: string;
                                    type: string;
                                };
                                /** @description What this decision alone would have answered: 200, or the problem's status */
                                status: number;
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/campaigns/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Release the held posts; those whose time passed go out from a minute after the resume, spaced per channel */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The approval chain as the workflow holds it */
                            approval: {
                                [key: string]: unknown;
                            };
                            /** Format: uuid */
                            campaignId: string;
                            pausedAt: string | null;
                            /** @enum {string} */
                            status: "draft" | "in_review" | "scheduled" | "live" | "paused" | "completed" | "cancelled" | "rejected";
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/campaigns/{id}/submit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send the plan through the workspace's approval chain */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            approval: {
                                /** @description Approvers of the current step who have not decided yet */
                                awaitingUserIds: string[];
                                /** @description The step waiting for decisions, from 1 (the index in steps plus one); null when none is */
                                currentStep: number | null;
                                /** @description When the current step escalates (its deadlineSeconds after it began); null without a deadline or when no step is pending */
                                deadline: string | null;
                                decisions: {
                                    at: string;
                                    comment?: string;
                                    /** @enum {string} */
                                    decision: "approve" | "reject" | "request_changes";
                                    round: number;
                                    /** @description From 1 */
                                    step: number;
                                    userId: string;
                                }[];
                                /** @description One person approves at most one step of a round */
                                distinctApprovers: boolean;
                                /** @description Who changed the content in this round: they may not decide in it */
                                editorIds: string[];
                                /** @description From 0; each edit of the content starts a new round from step 1 */
                                round: number;
                                /** @enum {string} */
                                state: "pending" | "changes_requested" | "approved" | "rejected" | "expired" | "none";
                                steps: {
                                    deadlineSeconds?: number;
                                    eligibleUserIds: string[];
                                    escalateToUserIds?: string[];
                                    /** @enum {string} */
                                    mode: "any" | "all" | "quorum";
                                    name: string;
                                    quorum?: number;
                                    remindBeforeSeconds?: number;
                                    source?: string;
                                }[];
                            };
                            /** Format: uuid */
                            campaignId: string;
                            pausedAt: string | null;
                            /** @enum {string} */
                            status: "draft" | "in_review" | "scheduled" | "live" | "paused" | "completed" | "cancelled" | "rejected";
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/campaigns/{id}/utm-preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** How a text's links will look on each of the campaign's channels, with the campaign's UTM tags */
        get: {
            parameters: {
                query: {
                    /** @description A link, or a post text with links */
                    text: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            previews: {
                                /** Format: uuid */
                                channelId: string;
                                channelName: string;
                                text: string;
                            }[];
                            /** @description false: the campaign has no UTM settings, texts go out as written */
                            tagged: boolean;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/channels": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Channels of your workspace */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            channels: {
                                /** @description Who the channel posts as: a Bluesky DID, a webhook host */
                                accountRef: string;
                                createdAt: string;
                                /** @description Whether sends to this channel go through */
                                health: {
                                    consecutiveFailures: number;
                                    failingSince: string | null;
                                    /** @description False after three failed sends in a row, or refused credentials, until a send goes through or the channel is reconnected */
                                    healthy: boolean;
                                    lastError: string | null;
                                };
                                /** Format: uuid */
                                id: string;
                                minGapMinutes: number;
                                name: string;
                                /** @enum {string} */
                                provider: "bluesky" | "webhook" | "mastodon" | "x" | "linkedin" | "facebook" | "instagram" | "threads";
                                slots: {
                                    day: number;
                                    time: string;
                                }[];
                                /**
                                 * @description `needs_reconnect`: the network stopped accepting Chorus's access (an OAuth channel whose token refresh was refused); its posts wait until an owner or admin reconnects it (POST /v1/channels/connect/{provider})
                                 * @enum {string}
                                 */
                                status: "connected" | "needs_reconnect";
                                timezone: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Connect a channel; its credentials are verified against the network first and never returned */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        credentials: {
                            identifier: string;
                            password: string;
                            /**
                             * Format: uri
                             * @default https://bsky.social
                             */
                            service?: string;
                        };
                        name: string;
                        /** @enum {string} */
                        provider: "bluesky";
                    } | {
                        credentials: {
                            secret: string;
                            /** Format: uri */
                            url: string;
                        };
                        name: string;
                        /** @enum {string} */
                        provider: "webhook";
                    } | {
                        credentials: {
                            accessToken: string;
                            /**
                             * Format: uri
                             * @description The instance, e.g. https://mastodon.social
                             */
                            instance: string;
                        };
                        name: string;
                        /** @enum {string} */
                        provider: "mastodon";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Who the channel posts as: a Bluesky DID, a webhook host */
                            accountRef: string;
                            createdAt: string;
                            /** @description Whether sends to this channel go through */
                            health: {
                                consecutiveFailures: number;
                                failingSince: string | null;
                                /** @description False after three failed sends in a row, or refused credentials, until a send goes through or the channel is reconnected */
                                healthy: boolean;
                                lastError: string | null;
                            };
                            /** Format: uuid */
                            id: string;
                            minGapMinutes: number;
                            name: string;
                            /** @enum {string} */
                            provider: "bluesky" | "webhook" | "mastodon" | "x" | "linkedin" | "facebook" | "instagram" | "threads";
                            slots: {
                                day: number;
                                time: string;
                            }[];
                            /**
                             * @description `needs_reconnect`: the network stopped accepting Chorus's access (an OAuth channel whose token refresh was refused); its posts wait until an owner or admin reconnects it (POST /v1/channels/connect/{provider})
                             * @enum {string}
                             */
                            status: "connected" | "needs_reconnect";
                            timezone: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/channels/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a channel; posts not yet published to it fail with a reason */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Removed */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/channels/{id}/credentials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Reconnect a channel with new credentials (verified with the network first, never returned); posts held for it go out */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The provider's credentials, as when connecting */
                        credentials: {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Who the channel posts as: a Bluesky DID, a webhook host */
                            accountRef: string;
                            createdAt: string;
                            /** @description Whether sends to this channel go through */
                            health: {
                                consecutiveFailures: number;
                                failingSince: string | null;
                                /** @description False after three failed sends in a row, or refused credentials, until a send goes through or the channel is reconnected */
                                healthy: boolean;
                                lastError: string | null;
                            };
                            /** Format: uuid */
                            id: string;
                            minGapMinutes: number;
                            name: string;
                            /** @enum {string} */
                            provider: "bluesky" | "webhook" | "mastodon" | "x" | "linkedin" | "facebook" | "instagram" | "threads";
                            slots: {
                                day: number;
                                time: string;
                            }[];
                            /**
                             * @description `needs_reconnect`: the network stopped accepting Chorus's access (an OAuth channel whose token refresh was refused); its posts wait until an owner or admin reconnects it (POST /v1/channels/connect/{provider})
                             * @enum {string}
                             */
                            status: "connected" | "needs_reconnect";
                            timezone: string;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/channels/{id}/slots": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set the channel's timezone, weekly queue slots (local times) and minimum gap between posts */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @default 0 */
                        minGapMinutes?: number;
                        slots: {
                            /** @description 1 = Monday … 7 = Sunday */
                            day: number;
                            time: string;
                        }[];
                        /** @description IANA timezone, e.g. Europe/Berlin */
                        timezone: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Who the channel posts as: a Bluesky DID, a webhook host */
                            accountRef: string;
                            createdAt: string;
                            /** @description Whether sends to this channel go through */
                            health: {
                                consecutiveFailures: number;
                                failingSince: string | null;
                                /** @description False after three failed sends in a row, or refused credentials, until a send goes through or the channel is reconnected */
                                healthy: boolean;
                                lastError: string | null;
                            };
                            /** Format: uuid */
                            id: string;
                            minGapMinutes: number;
                            name: string;
                            /** @enum {string} */
                            provider: "bluesky" | "webhook" | "mastodon" | "x" | "linkedin" | "facebook" | "instagram" | "threads";
                            slots: {
                                day: number;
                                time: string;
                            }[];
                            /**
                             * @description `needs_reconnect`: the network stopped accepting Chorus's access (an OAuth channel whose token refresh was refused); its posts wait until an owner or admin reconnects it (POST /v1/channels/connect/{provider})
                             * @enum {string}
                             */
                            status: "connected" | "needs_reconnect";
                            timezone: string;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/channels/callback/{provider}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Where the network sends the browser back (register it with the network's app): connects the channel and redirects to the app's channel screen */
        get: {
            parameters: {
                query?: {
                    code?: string;
                    denied_scopes?: string;
                    error?: string;
                    error_description?: string;
                    error_reason?: string;
                    error_uri?: string;
                    granted_scopes?: string;
                    iss?: string;
                    scope?: string;
                    state?: string;
                };
                header?: never;
                path: {
                    provider: "x" | "linkedin" | "facebook" | "instagram" | "threads";
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description To the app's channel screen, with the outcome */
                302: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/channels/connect/{provider}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start connecting (or reconnecting) a channel: the network's authorization page to send the browser to; single use, valid 10 minutes */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    provider: "x" | "linkedin" | "facebook" | "instagram" | "threads";
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            authorizationUrl: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/channels/connect/{provider}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Connect the account picked from a grant with several (an account already connected in the workspace is reconnected) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    provider: "x" | "linkedin" | "facebook" | "instagram" | "threads";
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        accountId: string;
                        /** Format: uuid */
                        pendingId: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Who the channel posts as: a Bluesky DID, a webhook host */
                            accountRef: string;
                            createdAt: string;
                            /** @description Whether sends to this channel go through */
                            health: {
                                consecutiveFailures: number;
                                failingSince: string | null;
                                /** @description False after three failed sends in a row, or refused credentials, until a send goes through or the channel is reconnected */
                                healthy: boolean;
                                lastError: string | null;
                            };
                            /** Format: uuid */
                            id: string;
                            minGapMinutes: number;
                            name: string;
                            /** @enum {string} */
                            provider: "bluesky" | "webhook" | "mastodon" | "x" | "linkedin" | "facebook" | "instagram" | "threads";
                            slots: {
                                day: number;
                                time: string;
                            }[];
                            /**
                             * @description `needs_reconnect`: the network stopped accepting Chorus's access (an OAuth channel whose token refresh was refused); its posts wait until an owner or admin reconnects it (POST /v1/channels/connect/{provider})
                             * @enum {string}
                             */
                            status: "connected" | "needs_reconnect";
                            timezone: string;
                        };
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Who the channel posts as: a Bluesky DID, a webhook host */
                            accountRef: string;
                            createdAt: string;
                            /** @description Whether sends to this channel go through */
                            health: {
                                consecutiveFailures: number;
                                failingSince: string | null;
                                /** @description False after three failed sends in a row, or refused credentials, until a send goes through or the channel is reconnected */
                                healthy: boolean;
                                lastError: string | null;
                            };
                            /** Format: uuid */
                            id: string;
                            minGapMinutes: number;
                            name: string;
                            /** @enum {string} */
                            provider: "bluesky" | "webhook" | "mastodon" | "x" | "linkedin" | "facebook" | "instagram" | "threads";
                            slots: {
                                day: number;
                                time: string;
                            }[];
                            /**
                             * @description `needs_reconnect`: the network stopped accepting Chorus's access (an OAuth channel whose token refresh was refused); its posts wait until an owner or admin reconnects it (POST /v1/channels/connect/{provider})
                             * @enum {string}
                             */
                            status: "connected" | "needs_reconnect";
                            timezone: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/channels/connect/pending/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The accounts a grant with several can connect (Facebook Pages, …): pick one with …/complete */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            accounts: {
                                id: string;
                                kind: string;
                                name: string;
                            }[];
                            expiresAt: string;
                            /** Format: uuid */
                            id: string;
                            /** @enum {string} */
                            provider: "x" | "linkedin" | "facebook" | "instagram" | "threads";
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/channels/providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The networks connected through their authorization page, and which this deployment has configured */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            providers: {
                                /** @description Whether this deployment can connect it: the network is built in and its <NETWORK>_CLIENT_ID is set */
                                configured: boolean;
                                /** @description The network, as people name it */
                                name: string;
                                /** @enum {string} */
                                provider: "x" | "linkedin" | "facebook" | "instagram" | "threads";
                                /** @description The callback to register with the network's app (null when not configured) */
                                redirectUri: string | null;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/content-rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Content rules of your workspace */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rules: {
                                createdAt: string;
                                createdBy: string;
                                /** Format: uuid */
                                id: string;
                                match: {
                                    channelIds?: string[];
                                    keywords?: string[];
                                    linkDomains?: string[];
                                    regex?: string;
                                };
                                name: string;
                                /** @enum {string} */
                                position: "first" | "last";
                                step: {
                                    approvers: {
                                        roles?: ("owner" | "admin" | "editor" | "approver" | "analyst")[];
                                        userIds?: string[];
                                    };
                                    deadlineSeconds?: number;
                                    escalateTo?: {
                                        roles?: ("owner" | "admin" | "editor" | "approver" | "analyst")[];
                                        userIds?: string[];
                                    };
                                    /** @enum {string} */
                                    mode: "any" | "all" | "quorum";
                                    name: string;
                                    quorum?: number;
                                    remindBeforeSeconds?: number;
                                    /** @description Set on steps a content rule inserted */
                                    source?: string;
                                };
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Add a content rule: posts that match get its approval step (e.g. legal) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        match: {
                            channelIds?: string[];
                            keywords?: string[];
                            linkDomains?: string[];
                            regex?: string;
                        };
                        name: string;
                        /**
                         * @description Where the step goes in the chain
                         * @default last
                         * @enum {string}
                         */
                        position?: "first" | "last";
                        step: {
                            approvers: {
                                roles?: ("owner" | "admin" | "editor" | "approver" | "analyst")[];
                                userIds?: string[];
                            };
                            /** @description Time the step may take before it escalates */
                            deadlineSeconds?: number;
                            /** @description Notified at the deadline, and eligible to decide from then on */
                            escalateTo?: {
                                roles?: ("owner" | "admin" | "editor" | "approver" | "analyst")[];
                                userIds?: string[];
                            };
                            /** @enum {string} */
                            mode: "any" | "all" | "quorum";
                            name: string;
                            quorum?: number;
                            /** @description Remind pending approvers this long before the deadline */
                            remindBeforeSeconds?: number;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            createdAt: string;
                            createdBy: string;
                            /** Format: uuid */
                            id: string;
                            match: {
                                channelIds?: string[];
                                keywords?: string[];
                                linkDomains?: string[];
                                regex?: string;
                            };
                            name: string;
                            /** @enum {string} */
                            position: "first" | "last";
                            step: {
                                approvers: {
                                    roles?: ("owner" | "admin" | "editor" | "approver" | "analyst")[];
                                    userIds?: string[];
                                };
                                deadlineSeconds?: number;
                                escalateTo?: {
                                    roles?: ("owner" | "admin" | "editor" | "approver" | "analyst")[];
                                    userIds?: string[];
                                };
                                /** @enum {string} */
                                mode: "any" | "all" | "quorum";
                                name: string;
                                quorum?: number;
                                remindBeforeSeconds?: number;
                                /** @description Set on steps a content rule inserted */
                                source?: string;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/content-rules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a content rule (posts already created keep their chain) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Removed */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/inbox/assignment-rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Rules that assign new conversations, in order (the first that matches assigns) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rules: {
                                assignees: {
                                    /** @enum {string} */
                                    role: "owner" | "admin" | "editor" | "approver" | "analyst";
                                } | {
                                    userIds: string[];
                                };
                                conditions: {
                                    channelIds?: string[];
                                    keywords?: string[];
                                    lead?: boolean;
                                    /** @enum {string} */
                                    sentiment?: "positive" | "negative" | "neutral";
                                };
                                createdAt: string;
                                enabled: boolean;
                                /** Format: uuid */
                                id: string;
                                /** Format: uuid */
                                lastAssignedId: string | null;
                                name: string;
                                position: number;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Add an assignment rule (by channel, keywords, sentiment, lead; round-robin among its members) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Round-robin among a role's members, or a list of members, skipping those away */
                        assignees: {
                            /** @enum {string} */
                            role: "owner" | "admin" | "editor" | "approver" | "analyst";
                        } | {
                            userIds: string[];
                        };
                        /** @description Every condition given must hold; none: every new conversation */
                        conditions: {
                            channelIds?: string[];
                            /** @description Any of these words */
                            keywords?: string[];
                            lead?: boolean;
                            /** @enum {string} */
                            sentiment?: "positive" | "negative" | "neutral";
                        };
                        /** @default true */
                        enabled?: boolean;
                        name: string;
                        /** @description From 1 (first match wins); omitted: last */
                        position?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            assignees: {
                                /** @enum {string} */
                                role: "owner" | "admin" | "editor" | "approver" | "analyst";
                            } | {
                                userIds: string[];
                            };
                            conditions: {
                                channelIds?: string[];
                                keywords?: string[];
                                lead?: boolean;
                                /** @enum {string} */
                                sentiment?: "positive" | "negative" | "neutral";
                            };
                            createdAt: string;
                            enabled: boolean;
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            lastAssignedId: string | null;
                            name: string;
                            position: number;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/inbox/assignment-rules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Replace an assignment rule */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Round-robin among a role's members, or a list of members, skipping those away */
                        assignees: {
                            /** @enum {string} */
                            role: "owner" | "admin" | "editor" | "approver" | "analyst";
                        } | {
                            userIds: string[];
                        };
                        /** @description Every condition given must hold; none: every new conversation */
                        conditions: {
                            channelIds?: string[];
                            /** @description Any of these words */
                            keywords?: string[];
                            lead?: boolean;
                            /** @enum {string} */
                            sentiment?: "positive" | "negative" | "neutral";
                        };
                        /** @default true */
                        enabled?: boolean;
                        name: string;
                        /** @description From 1 (first match wins); omitted: last */
                        position?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            assignees: {
                                /** @enum {string} */
                                role: "owner" | "admin" | "editor" | "approver" | "analyst";
                            } | {
                                userIds: string[];
                            };
                            conditions: {
                                channelIds?: string[];
                                keywords?: string[];
                                lead?: boolean;
                                /** @enum {string} */
                                sentiment?: "positive" | "negative" | "neutral";
                            };
                            createdAt: string;
                            enabled: boolean;
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            lastAssignedId: string | null;
                            name: string;
                            position: number;
                        };
                    };
                };
            };
        };
        post?: never;
        /** Remove an assignment rule */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Removed */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/inbox/away": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Members away (round-robin assignment skips them) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            awayUserIds: string[];
                        };
                    };
                };
            };
        };
        /** Mark yourself away (round-robin assignment skips you) or back */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        away: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            away: boolean;
                            /** Format: uuid */
                            userId: string;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/inbox/away/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Mark another member away or back (owners and admins) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    userId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        away: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            away: boolean;
                            /** Format: uuid */
                            userId: string;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/inbox/contacts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A contact's profile and their conversations with the workspace */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            avatarUrl: string | null;
                            /** @description Their conversations with the workspace, newest first */
                            conversations: {
                                /** Format: uuid */
                                channelId: string | null;
                                id: string;
                                lastMessageAt: string;
                                messageCount: number;
                                preview: string;
                                /** @enum {string} */
                                status: "open" | "pending" | "closed";
                            }[];
                            createdAt: string;
                            displayName: string | null;
                            handle: string;
                            id: string;
                            /** @enum {string} */
                            network: "bluesky" | "mastodon" | "x" | "linkedin" | "facebook" | "instagram" | "threads" | "push";
                            profileUrl: string | null;
                            /** @description Closed as spam: their later items are dropped as noise */
                            spam: boolean;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/inbox/conversations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Conversations of your workspace, newest activity first, filtered; with the filter bar's counts */
        get: {
            parameters: {
                query?: {
                    /** @description "me", "unassigned", or a member's user id */
                    assignee?: ("me" | "unassigned") | string;
                    /** @description Past an SLA deadline (first response or resolution) */
                    breached?: "true" | "false";
                    /** @description Conversations on the posts of this campaign */
                    campaignId?: string;
                    channelId?: string;
                    /** @description The previous page's `next` */
                    cursor?: string;
                    /** @description Conversations with (or without) buying intent */
                    lead?: "true" | "false";
                    limit?: number;
                    network?: "bluesky" | "mastodon" | "x" | "linkedin" | "facebook" | "instagram" | "threads" | "push";
                    priority?: "low" | "normal" | "high" | "urgent";
                    /** @description Text in a message or note, or the author's handle or name (case-insensitive) */
                    q?: string;
                    sentiment?: "positive" | "negative" | "neutral";
                    status?: "open" | "pending" | "closed";
                    tag?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            conversations: {
                                /** Format: uuid */
                                assigneeId: string | null;
                                /** Format: uuid */
                                campaignId: string | null;
                                /**
                                 * Format: uuid
                                 * @description The connected channel it came through; null for pushed items
                                 */
                                channelId: string | null;
                                channelName: string | null;
                                closedAt: string | null;
                                contact: {
                                    avatarUrl: string | null;
                                    displayName: string | null;
                                    handle: string;
                                    id: string;
                                    /** @enum {string} */
                                    network: "bluesky" | "mastodon" | "x" | "linkedin" | "facebook" | "instagram" | "threads" | "push";
                                    profileUrl: string | null;
                                    /** @description Closed as spam: their later items are dropped as noise */
                                    spam: boolean;
                                };
                                firstInboundAt: string;
                                firstResponseAt: string | null;
                                id: string;
                                /** @enum {string} */
                                kind: "thread" | "direct";
                                lastInboundAt: string;
                                lastMessageAt: string;
                                lead: boolean;
                                messageCount: number;
                                /** @enum {string} */
                                network: "bluesky" | "mastodon" | "x" | "linkedin" | "facebook" | "instagram" | "threads" | "push";
                                /**
                                 * Format: uuid
                                 * @description The Chorus post it answers
                                 */
                                postId: string | null;
                                /** @description The latest message's text, shortened (plain text, never HTML) */
                                preview: string;
                                /** @enum {string} */
                                priority: "low" | "normal" | "high" | "urgent";
                                /** @description The latest inbound message's sentiment */
                                sentiment: {
                                    label: string;
                                    score: number | null;
                                } | null;
                                sla: {
                                    breached: boolean;
                                    firstResponseBreachedAt: string | null;
                                    firstResponseDueAt: string | null;
                                    resolutionBreachedAt: string | null;
                                    resolutionDueAt: string | null;
                                };
                                spam: boolean;
                                /** @enum {string} */
                                status: "open" | "pending" | "closed";
                                tags: string[];
                                updatedAt: string;
                                /** @description Bumped by every new message in or out; a reply names the version it answers */
                                version: number;
                            }[];
                            counts: {
                                /** @description Open or pending, past an SLA deadline */
                                breached: number;
                                closed: number;
                                /** @description Open or pending, assigned to you */
                                mine: number;
                                open: number;
                                pending: number;
                                /** @description Open or pending, assigned to no one */
                                unassigned: number;
                            };
                            /** @description Pass as `cursor` for the next page; null on the last */
                            next: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/inbox/conversations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One conversation: its thread (in and out), notes, replies and their status, the contact and their past conversations, who is replying, its version */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description That post's campaign */
                            campaign: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                            } | null;
                            contact: {
                                avatarUrl: string | null;
                                /** @description Their conversations with the workspace, newest first */
                                conversations: {
                                    /** Format: uuid */
                                    channelId: string | null;
                                    id: string;
                                    lastMessageAt: string;
                                    messageCount: number;
                                    preview: string;
                                    /** @enum {string} */
                                    status: "open" | "pending" | "closed";
                                }[];
                                createdAt: string;
                                displayName: string | null;
                                handle: string;
                                id: string;
                                /** @enum {string} */
                                network: "bluesky" | "mastodon" | "x" | "linkedin" | "facebook" | "instagram" | "threads" | "push";
                                profileUrl: string | null;
                                /** @description Closed as spam: their later items are dropped as noise */
                                spam: boolean;
                            };
                            conversation: {
                                /** Format: uuid */
                                assigneeId: string | null;
                                /** Format: uuid */
                                campaignId: string | null;
                                /**
                                 * Format: uuid
                                 * @description The connected channel it came through; null for pushed items
                                 */
                                channelId: string | null;
                                channelName: string | null;
                                closedAt: string | null;
                                contact: {
                                    avatarUrl: string | null;
                                    displayName: string | null;
                                    handle: string;
                                    id: string;
                                    /** @enum {string} */
                                    network: "bluesky" | "mastodon" | "x" | "linkedin" | "facebook" | "instagram" | "threads" | "push";
                                    profileUrl: string | null;
                                    /** @description Closed as spam: their later items are dropped as noise */
                                    spam: boolean;
                                };
                                firstInboundAt: string;
                                firstResponseAt: string | null;
                                id: string;
                                /** @enum {string} */
                                kind: "thread" | "direct";
                                lastInboundAt: string;
                                lastMessageAt: string;
                                lead: boolean;
                                messageCount: number;
                                /** @enum {string} */
                                network: "bluesky" | "mastodon" | "x" | "linkedin" | "facebook" | "instagram" | "threads" | "push";
                                /**
                                 * Format: uuid
                                 * @description The Chorus post it answers
                                 */
                                postId: string | null;
                                /** @description The latest message's text, shortened (plain text, never HTML) */
                                preview: string;
                                /** @enum {string} */
                                priority: "low" | "normal" | "high" | "urgent";
                                /** @description The latest inbound message's sentiment */
                                sentiment: {
                                    label: string;
                                    score: number | null;
                                } | null;
                                sla: {
                                    breached: boolean;
                                    firstResponseBreachedAt: string | null;
                                    firstResponseDueAt: string | null;
                                    resolutionBreachedAt: string | null;
                                    resolutionDueAt: string | null;
                                };
                                spam: boolean;
                                /** @enum {string} */
                                status: "open" | "pending" | "closed";
                                tags: string[];
                                updatedAt: string;
                                /** @description Bumped by every new message in or out; a reply names the version it answers */
                                version: number;
                            };
                            /** @description The thread, in and out, oldest first */
                            messages: {
                                /**
                                 * Format: uuid
                                 * @description Outbound: the member whose reply it was
                                 */
                                authorId: string | null;
                                /** @description Inbound: who wrote it */
                                contactId: string | null;
                                /** @description Deleted on the network since */
                                deleted: boolean;
                                /** @enum {string} */
                                direction: "in" | "out";
                                externalId: string;
                                id: string;
                                /** @enum {string} */
                                kind: "reply" | "mention" | "quote" | "direct" | "push" | "reply_out";
                                lead: boolean;
                                parentExternalId: string | null;
                                receivedAt: string;
                                sentAt: string;
                                sentiment: {
                                    label: string;
                                    score: number | null;
                                } | null;
                                /** @description As received: plain text, never HTML */
                                text: string;
                                url: string | null;
                            }[];
                            notes: {
                                /** Format: uuid */
                                authorId: string;
                                body: string;
                                createdAt: string;
                                id: string;
                                mentionedUserIds: string[];
                            }[];
                            /** @description The Chorus post the conversation answers */
                            post: {
                                /** Format: uuid */
                                id: string;
                                /** @description Its first 200 characters */
                                text: string;
                            } | null;
                            /** @description The team's replies and their status, oldest first */
                            replies: {
                                /** Format: uuid */
                                authorId: string;
                                conversationId: string;
                                /** @description The version it was written against */
                                conversationVersion: number;
                                createdAt: string;
                                error: string | null;
                                id: string;
                                inReplyToMessageId: string;
                                /** Format: uuid */
                                savedReplyId: string | null;
                                sentAt: string | null;
                                /** @enum {string} */
                                status: "awaiting_approval" | "sending" | "sent" | "failed" | "rejected";
                                text: string;
                                url: string | null;
                            }[];
                            /** @description Members with the reply box open now (their lease not expired) */
                            replying: {
                                expiresAt: string;
                                name: string | null;
                                /** Format: uuid */
                                userId: string;
                            }[];
                            version: number;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change status, priority, tags or assignee (audited; the SLA timers follow) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * Format: uuid
                         * @description A member's user id; null unassigns
                         */
                        assigneeId?: string | null;
                        /** @enum {string} */
                        priority?: "low" | "normal" | "high" | "urgent";
                        /** @enum {string} */
                        status?: "open" | "pending" | "closed";
                        tags?: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            assigneeId: string | null;
                            /** Format: uuid */
                            campaignId: string | null;
                            /**
                             * Format: uuid
                             * @description The connected channel it came through; null for pushed items
                             */
                            channelId: string | null;
                            channelName: string | null;
                            closedAt: string | null;
                            contact: {
                                avatarUrl: string | null;
                                displayName: string | null;
                                handle: string;
                                id: string;
                                /** @enum {string} */
                                network: "bluesky" | "mastodon" | "x" | "linkedin" | "facebook" | "instagram" | "threads" | "push";
                                profileUrl: string | null;
                                /** @description Closed as spam: their later items are dropped as noise */
                                spam: boolean;
                            };
                            firstInboundAt: string;
                            firstResponseAt: string | null;
                            id: string;
                            /** @enum {string} */
                            kind: "thread" | "direct";
                            lastInboundAt: string;
                            lastMessageAt: string;
                            lead: boolean;
                            messageCount: number;
                            /** @enum {string} */
                            network: "bluesky" | "mastodon" | "x" | "linkedin" | "facebook" | "instagram" | "threads" | "push";
                            /**
                             * Format: uuid
                             * @description The Chorus post it answers
                             */
                            postId: string | null;
                            /** @description The latest message's text, shortened (plain text, never HTML) */
                            preview: string;
                            /** @enum {string} */
                            priority: "low" | "normal" | "high" | "urgent";
                            /** @description The latest inbound message's sentiment */
                            sentiment: {
                                label: string;
                                score: number | null;
                            } | null;
                            sla: {
                                breached: boolean;
                                firstResponseBreachedAt: string | null;
                                firstResponseDueAt: string | null;
                                resolutionBreachedAt: string | null;
                                resolutionDueAt: string | null;
                            };
                            spam: boolean;
                            /** @enum {string} */
                            status: "open" | "pending" | "closed";
                            tags: string[];
                            updatedAt: string;
                            /** @description Bumped by every new message in or out; a reply names the version it answers */
                            version: number;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/inbox/conversations/{id}/lease": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Open or renew your reply box (a lease of about 30 s); answers who else is replying */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Renew before then (PUT again) while the reply box stays open */
                            expiresAt: string;
                            /** @description The other members with the reply box open */
                            replying: {
                                expiresAt: string;
                                name: string | null;
                                /** Format: uuid */
                                userId: string;
                            }[];
                            /** @description The conversation's version now: send it with the reply */
                            version: number;
                        };
                    };
                };
            };
        };
        post?: never;
        /** Close your reply box: you no longer show as replying */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Closed */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/inbox/conversations/{id}/notes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Add an internal note; each @member it mentions (by email, its local part, or name) is notified */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        body: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            authorId: string;
                            body: string;
                            createdAt: string;
                            id: string;
                            mentionedUserIds: string[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/inbox/conversations/{id}/replies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reply (written against the conversation's version): sent through the channel, or first approved when the workspace's policy asks */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The conversation's message it answers; omitted: its latest inbound message */
                        inReplyToMessageId?: string;
                        /**
                         * Format: uuid
                         * @description The saved reply it started from (an approved one)
                         */
                        savedReplyId?: string;
                        /** @description Plain text; checked against the channel's network limits */
                        text: string;
                        /** @description The conversation's version the reply was written against (detail or lease); older: 409 */
                        version: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            reply: {
                                /** Format: uuid */
                                authorId: string;
                                conversationId: string;
                                /** @description The version it was written against */
                                conversationVersion: number;
                                createdAt: string;
                                error: string | null;
                                id: string;
                                inReplyToMessageId: string;
                                /** Format: uuid */
                                savedReplyId: string | null;
                                sentAt: string | null;
                                /** @enum {string} */
                                status: "awaiting_approval" | "sending" | "sent" | "failed" | "rejected";
                                text: string;
                                url: string | null;
                            };
                            version: number;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/inbox/conversations/{id}/saved-replies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The workspace's approved saved replies, rendered for this conversation */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            savedReplies: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                tags: string[];
                                template: string;
                                /** @description Rendered with the conversation's author name and handle and the post's link */
                                text: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/inbox/conversations/{id}/spam": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Close as spam: the conversation closes and its author's later items are dropped as noise (audited) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            assigneeId: string | null;
                            /** Format: uuid */
                            campaignId: string | null;
                            /**
                             * Format: uuid
                             * @description The connected channel it came through; null for pushed items
                             */
                            channelId: string | null;
                            channelName: string | null;
                            closedAt: string | null;
                            contact: {
                                avatarUrl: string | null;
                                displayName: string | null;
                                handle: string;
                                id: string;
                                /** @enum {string} */
                                network: "bluesky" | "mastodon" | "x" | "linkedin" | "facebook" | "instagram" | "threads" | "push";
                                profileUrl: string | null;
                                /** @description Closed as spam: their later items are dropped as noise */
                                spam: boolean;
                            };
                            firstInboundAt: string;
                            firstResponseAt: string | null;
                            id: string;
                            /** @enum {string} */
                            kind: "thread" | "direct";
                            lastInboundAt: string;
                            lastMessageAt: string;
                            lead: boolean;
                            messageCount: number;
                            /** @enum {string} */
                            network: "bluesky" | "mastodon" | "x" | "linkedin" | "facebook" | "instagram" | "threads" | "push";
                            /**
                             * Format: uuid
                             * @description The Chorus post it answers
                             */
                            postId: string | null;
                            /** @description The latest message's text, shortened (plain text, never HTML) */
                            preview: string;
                            /** @enum {string} */
                            priority: "low" | "normal" | "high" | "urgent";
                            /** @description The latest inbound message's sentiment */
                            sentiment: {
                                label: string;
                                score: number | null;
                            } | null;
                            sla: {
                                breached: boolean;
                                firstResponseBreachedAt: string | null;
                                firstResponseDueAt: string | null;
                                resolutionBreachedAt: string | null;
                                resolutionDueAt: string | null;
                            };
                            spam: boolean;
                            /** @enum {string} */
                            status: "open" | "pending" | "closed";
                            tags: string[];
                            updatedAt: string;
                            /** @description Bumped by every new message in or out; a reply names the version it answers */
                            version: number;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/inbox/ingest": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Push items to the inbox from another system (signed per Standard Webhooks with an ingest key) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        items: {
                            author: {
                                /** Format: uri */
                                avatarUrl?: string;
                                /** @description Default: the id */
                                handle?: string;
                                /** @description The author's id at the source (one contact per source and id) */
                                id: string;
                                name?: string;
                                /** Format: uri */
                                url?: string;
                            };
                            /** @description The item's id at its source: a second push of it is stored once */
                            id: string;
                            /**
                             * Format: date-time
                             * @description Default: when it arrives
                             */
                            postedAt?: string;
                            /**
                             * @description The pushing system; ids and threads are kept apart per source
                             * @default push
                             */
                            source?: string;
                            /** @description Kept as plain text: control characters dropped, cut at 10,000 */
                            text: string;
                            /** @description What groups items into one conversation at the source (a ticket id); default: the item's own id */
                            thread?: string;
                            /** Format: uri */
                            url?: string;
                        }[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Conversations that got a new message */
                            conversationIds: string[];
                            deliveryId: string;
                            /** @description Items by authors the team closed as spam */
                            filtered: number;
                            received: number;
                            /** @description A retry of a delivery already taken: its first answer, nothing stored again */
                            repeatedDelivery: boolean;
                            /** @description Items pushed before (same source and id) */
                            skipped: number;
                            stored: number;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/inbox/messages/{id}/like": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Like an inbound message on its network, as the channel's account (once, however often asked) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            liked: true;
                            message: {
                                id: string;
                                url: string | null;
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/inbox/replies/{id}/approval": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A reply's approval chain as its conversation's workflow holds it (steps from 1, each person named): the step and round a decision names */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            awaiting: {
                                email: string | null;
                                id: string;
                                /** @description false: removed from the workspace since */
                                member: boolean;
                                name: string | null;
                            }[];
                            /** @description Approvers of the current step who have not decided yet */
                            awaitingUserIds: string[];
                            /** @description The step waiting for decisions, from 1 (the index in steps plus one); null when none is */
                            currentStep: number | null;
                            /** @description When the current step escalates (its deadlineSeconds after it began); null without a deadline or when no step is pending */
                            deadline: string | null;
                            decisions: {
                                at: string;
                                comment?: string;
                                /** @enum {string} */
                                decision: "approve" | "reject" | "request_changes";
                                round: number;
                                /** @description From 1 */
                                step: number;
                                user: {
                                    email: string | null;
                                    id: string;
                                    /** @description false: removed from the workspace since */
                                    member: boolean;
                                    name: string | null;
                                };
                                userId: string;
                            }[];
                            /** @description One person approves at most one step of a round */
                            distinctApprovers: boolean;
                            /** @description Who changed the content in this round: they may not decide in it */
                            editorIds: string[];
                            /** @description From 0; each edit of the content starts a new round from step 1 */
                            round: number;
                            /** @enum {string} */
                            state: "pending" | "changes_requested" | "approved" | "rejected" | "expired" | "none";
                            steps: {
                                /** @description The eligible approvers (eligibleUserIds), named */
                                approvers: {
                                    email: string | null;
                                    id: string;
                                    /** @description false: removed from the workspace since */
                                    member: boolean;
                                    name: string | null;
                                }[];
                                deadlineSeconds?: number;
                                eligibleUserIds: string[];
                                escalateTo?: {
                                    email: string | null;
                                    id: string;
                                    /** @description false: removed from the workspace since */
                                    member: boolean;
                                    name: string | null;
                                }[];
                                escalateToUserIds?: string[];
                                /** @enum {string} */
                                mode: "any" | "all" | "quorum";
                                name: string;
                                quorum?: number;
                                remindBeforeSeconds?: number;
                                source?: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/inbox/replies/{id}/decisions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approve or reject the current step of a reply's approval chain (its approvers, never its author) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description A retry with the same key gets the first answer (same status and body) */
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        comment?: string;
                        /** @enum {string} */
                        decision: "approve" | "reject" | "request_changes";
                        /** @description The round it is for (the chain's round); after an edit started a new one it is refused (409) */
                        round: number;
                        /** @description The step it is for, from 1 (the chain's currentStep); a decision for another step is refused (409) */
                        step: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Approvers of the current step who have not decided yet */
                            awaitingUserIds: string[];
                            /** @description The step waiting for decisions, from 1 (the index in steps plus one); null when none is */
                            currentStep: number | null;
                            /** @description When the current step escalates (its deadlineSeconds after it began); null without a deadline or when no step is pending */
                            deadline: string | null;
                            decisions: {
                                at: string;
                                comment?: string;
                                /** @enum {string} */
                                decision: "approve" | "reject" | "request_changes";
                                round: number;
                                /** @description From 1 */
                                step: number;
                                userId: string;
                            }[];
                            /** @description One person approves at most one step of a round */
                            distinctApprovers: boolean;
                            /** @description Who changed the content in this round: they may not decide in it */
                            editorIds: string[];
                            /** @description From 0; each edit of the content starts a new round from step 1 */
                            round: number;
                            /** @enum {string} */
                            state: "pending" | "changes_requested" | "approved" | "rejected" | "expired" | "none";
                            steps: {
                                deadlineSeconds?: number;
                                eligibleUserIds: string[];
                                escalateToUserIds?: string[];
                                /** @enum {string} */
                                mode: "any" | "all" | "quorum";
                                name: string;
                                quorum?: number;
                                remindBeforeSeconds?: number;
                                source?: string;
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/inbox/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The inbox's settings: which replies need approval before they are sent */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            replyApproval: {
                                /** @enum {string} */
                                mode: "none" | "all" | "roles" | "rules";
                                roles?: ("owner" | "admin" | "editor" | "approver" | "analyst")[];
                                steps?: {
                                    approvers: {
                                        roles?: ("owner" | "admin" | "editor" | "approver" | "analyst")[];
                                        userIds?: string[];
                                    };
                                    deadlineSeconds?: number;
                                    escalateTo?: {
                                        roles?: ("owner" | "admin" | "editor" | "approver" | "analyst")[];
                                        userIds?: string[];
                                    };
                                    /** @enum {string} */
                                    mode: "any" | "all" | "quorum";
                                    name: string;
                                    quorum?: number;
                                    remindBeforeSeconds?: number;
                                    /** @description Set on steps a content rule inserted */
                                    source?: string;
                                }[];
                            };
                            updatedAt: string | null;
                        };
                    };
                };
            };
        };
        /** Set the reply approval policy: none, all replies, replies by some roles, or replies content rules flag */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        replyApproval: {
                            /** @enum {string} */
                            mode: "none";
                        } | {
                            /** @enum {string} */
                            mode: "all";
                            steps: {
                                approvers: {
                                    roles?: ("owner" | "admin" | "editor" | "approver" | "analyst")[];
                                    userIds?: string[];
                                };
                                /** @description Time the step may take before it escalates */
                                deadlineSeconds?: number;
                                /** @description Notified at the deadline, and eligible to decide from then on */
                                escalateTo?: {
                                    roles?: ("owner" | "admin" | "editor" | "approver" | "analyst")[];
                                    userIds?: string[];
                                };
                                /** @enum {string} */
                                mode: "any" | "all" | "quorum";
                                name: string;
                                quorum?: number;
                                /** @description Remind pending approvers this long before the deadline */
                                remindBeforeSeconds?: number;
                            }[];
                        } | {
                            /** @enum {string} */
                            mode: "roles";
                            /** @description Replies written by members with these roles need approval */
                            roles: ("owner" | "admin" | "editor" | "approver" | "analyst")[];
                            steps: {
                                approvers: {
                                    roles?: ("owner" | "admin" | "editor" | "approver" | "analyst")[];
                                    userIds?: string[];
                                };
                                /** @description Time the step may take before it escalates */
                                deadlineSeconds?: number;
                                /** @description Notified at the deadline, and eligible to decide from then on */
                                escalateTo?: {
                                    roles?: ("owner" | "admin" | "editor" | "approver" | "analyst")[];
                                    userIds?: string[];
                                };
                                /** @enum {string} */
                                mode: "any" | "all" | "quorum";
                                name: string;
                                quorum?: number;
                                /** @description Remind pending approvers this long before the deadline */
                                remindBeforeSeconds?: number;
                            }[];
                        } | {
                            /** @enum {string} */
                            mode: "rules";
                            /** @description Before the steps of the content rules a reply matches (those rules' steps follow) */
                            steps: {
                                approvers: {
                                    roles?: ("owner" | "admin" | "editor" | "approver" | "analyst")[];
                                    userIds?: string[];
                                };
                                /** @description Time the step may take before it escalates */
                                deadlineSeconds?: number;
                                /** @description Notified at the deadline, and eligible to decide from then on */
                                escalateTo?: {
                                    roles?: ("owner" | "admin" | "editor" | "approver" | "analyst")[];
                                    userIds?: string[];
                                };
                                /** @enum {string} */
                                mode: "any" | "all" | "quorum";
                                name: string;
                                quorum?: number;
                                /** @description Remind pending approvers this long before the deadline */
                                remindBeforeSeconds?: number;
                            }[];
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            replyApproval: {
                                /** @enum {string} */
                                mode: "none" | "all" | "roles" | "rules";
                                roles?: ("owner" | "admin" | "editor" | "approver" | "analyst")[];
                                steps?: {
                                    approvers: {
                                        roles?: ("owner" | "admin" | "editor" | "approver" | "analyst")[];
                                        userIds?: string[];
                                    };
                                    deadlineSeconds?: number;
                                    escalateTo?: {
                                        roles?: ("owner" | "admin" | "editor" | "approver" | "analyst")[];
                                        userIds?: string[];
                                    };
                                    /** @enum {string} */
                                    mode: "any" | "all" | "quorum";
                                    name: string;
                                    quorum?: number;
                                    remindBeforeSeconds?: number;
                                    /** @description Set on steps a content rule inserted */
                                    source?: string;
                                }[];
                            };
                            updatedAt: string | null;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/inbox/sla-report": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** SLA figures of the conversations that started in a period: median and p90 first-response time, breaches, per member (assignee) and per channel */
        get: {
            parameters: {
                query?: {
                    /** @description Default: 30 days before `to` */
                    from?: string;
                    /** @description Default: now */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            channels: {
                                /**
                                 * Format: uuid
                                 * @description null: pushed items
                                 */
                                channelId: string | null;
                                /** @description Conversations that started in the period */
                                conversations: number;
                                firstResponseBreaches: number;
                                medianFirstResponseSeconds: number | null;
                                name: string | null;
                                p90FirstResponseSeconds: number | null;
                                resolutionBreaches: number;
                                resolved: number;
                                responded: number;
                            }[];
                            from: string;
                            members: {
                                /** @description Conversations that started in the period */
                                conversations: number;
                                firstResponseBreaches: number;
                                medianFirstResponseSeconds: number | null;
                                name: string | null;
                                p90FirstResponseSeconds: number | null;
                                resolutionBreaches: number;
                                resolved: number;
                                responded: number;
                                /**
                                 * Format: uuid
                                 * @description null: unassigned
                                 */
                                userId: string | null;
                            }[];
                            to: string;
                            total: {
                                /** @description Conversations that started in the period */
                                conversations: number;
                                firstResponseBreaches: number;
                                medianFirstResponseSeconds: number | null;
                                p90FirstResponseSeconds: number | null;
                                resolutionBreaches: number;
                                resolved: number;
                                responded: number;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/inbox/sla-targets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Response-time targets per priority (minutes); a priority without one has no SLA */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            targets: {
                                firstResponseMinutes: number;
                                /** @enum {string} */
                                priority: "low" | "normal" | "high" | "urgent";
                                remindBeforeMinutes: number;
                                resolutionMinutes: number;
                            }[];
                        };
                    };
                };
            };
        };
        /** Replace the SLA targets; open conversations' deadlines follow */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        targets: {
                            firstResponseMinutes: number;
                            /** @enum {string} */
                            priority: "low" | "normal" | "high" | "urgent";
                            /**
                             * @description Remind the assignee this long before each deadline (0: no reminder)
                             * @default 0
                             */
                            remindBeforeMinutes?: number;
                            resolutionMinutes: number;
                        }[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            targets: {
                                firstResponseMinutes: number;
                                /** @enum {string} */
                                priority: "low" | "normal" | "high" | "urgent";
                                remindBeforeMinutes: number;
                                resolutionMinutes: number;
                            }[];
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/inbox/webhooks/instagram": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Meta's subscription check of the Instagram webhook: the challenge back, for the right Verify Token */
        get: {
            parameters: {
                query?: {
                    "hub.challenge"?: string;
                    "hub.mode"?: string;
                    "hub.verify_token"?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description hub.challenge, as text */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": string;
                    };
                };
            };
        };
        put?: never;
        /** Meta's Instagram webhook (signed with the app's secret): caption and comment @mentions, recorded once */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description Meta's delivery: {object: 'instagram', entry: [{id, time, changes: [{field: 'mentions', value: {media_id, comment_id?}}]}]}; other fields pass */
            requestBody: {
                content: {
                    "application/json": unknown;
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Mentions in the delivery */
                            received: number;
                            /** @description Of those, the ones not recorded before */
                            recorded: number;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/invitations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Invitations of your workspace, newest first (pending by default) */
        get: {
            parameters: {
                query?: {
                    state?: "pending" | "expired" | "accepted" | "revoked" | "all";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            invitations: {
                                acceptedAt: string | null;
                                createdAt: string;
                                /** Format: uuid */
                                createdBy: string;
                                email: string;
                                expiresAt: string;
                                /** Format: uuid */
                                id: string;
                                name: string | null;
                                revokedAt: string | null;
                                /** @enum {string|null} */
                                revokedReason: "revoked" | "reissued" | "member_removed" | null;
                                /**
                                 * @description The member's current role; null once they left the workspace
                                 * @enum {string|null}
                                 */
                                role: "owner" | "admin" | "editor" | "approver" | "analyst" | null;
                                /** @enum {string} */
                                state: "pending" | "expired" | "accepted" | "revoked";
                                /** Format: uuid */
                                userId: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Invite a member again (one added before invitations, or who lost their token); their open invitation stops working */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: uuid */
                        userId: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            acceptedAt: string | null;
                            /** @description Shown in this response only: the member redeems it with POST /v1/invitations/accept */
                            code: string;
                            createdAt: string;
                            /** Format: uuid */
                            createdBy: string;
                            email: string;
                            /** @description Whether the code was emailed to the member (SMTP configured and the send succeeded) */
                            emailed: boolean;
                            expiresAt: string;
                            /** Format: uuid */
                            id: string;
                            name: string | null;
                            revokedAt: string | null;
                            /** @enum {string|null} */
                            revokedReason: "revoked" | "reissued" | "member_removed" | null;
                            /**
                             * @description The member's current role; null once they left the workspace
                             * @enum {string|null}
                             */
                            role: "owner" | "admin" | "editor" | "approver" | "analyst" | null;
                            /** @enum {string} */
                            state: "pending" | "expired" | "accepted" | "revoked";
                            /** Format: uuid */
                            userId: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/invitations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an open invitation: its code stops working */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            acceptedAt: string | null;
                            createdAt: string;
                            /** Format: uuid */
                            createdBy: string;
                            email: string;
                            expiresAt: string;
                            /** Format: uuid */
                            id: string;
                            name: string | null;
                            revokedAt: string | null;
                            /** @enum {string|null} */
                            revokedReason: "revoked" | "reissued" | "member_removed" | null;
                            /**
                             * @description The member's current role; null once they left the workspace
                             * @enum {string|null}
                             */
                            role: "owner" | "admin" | "editor" | "approver" | "analyst" | null;
                            /** @enum {string} */
                            state: "pending" | "expired" | "accepted" | "revoked";
                            /** Format: uuid */
                            userId: string;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/invitations/{id}/reissue": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A new code (and expiry) for an open invitation; the old code stops working */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            acceptedAt: string | null;
                            /** @description Shown in this response only: the member redeems it with POST /v1/invitations/accept */
                            code: string;
                            createdAt: string;
                            /** Format: uuid */
                            createdBy: string;
                            email: string;
                            /** @description Whether the code was emailed to the member (SMTP configured and the send succeeded) */
                            emailed: boolean;
                            expiresAt: string;
                            /** Format: uuid */
                            id: string;
                            name: string | null;
                            revokedAt: string | null;
                            /** @enum {string|null} */
                            revokedReason: "revoked" | "reissued" | "member_removed" | null;
                            /**
                             * @description The member's current role; null once they left the workspace
                             * @enum {string|null}
                             */
                            role: "owner" | "admin" | "editor" | "approver" | "analyst" | null;
                            /** @enum {string} */
                            state: "pending" | "expired" | "accepted" | "revoked";
                            /** Format: uuid */
                            userId: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/invitations/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Redeem an invitation code (no bearer token needed): for an API token of your own (shown in this response only), or, with a password, to sign in
         * @description Without `password`: an API token (the CLI's `chorus invite accept`). With `password` (10–200 characters): it becomes your password (or, when your account has one already, it must be that one), the chorus_session cookie is set and the answer carries the session. A member's invitation cannot set the first password of an account that belongs to other workspaces too (403 other_workspaces); the owner's link from `chorus workspace create` can. A refused code changes nothing.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        code: string;
                        /** @description Your name, with password */
                        name?: string;
                        password?: string;
                        /** @description Defaults to "invitation"; not with password */
                        tokenName?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            createdAt: string;
                            email: string;
                            expiresAt: string | null;
                            /** Format: uuid */
                            id: string;
                            lastUsedAt: string | null;
                            name: string;
                            /** @description The first characters of the token, to tell tokens apart */
                            prefix: string;
                            revokedAt: string | null;
                            /** @enum {string} */
                            role: "owner" | "admin" | "editor" | "approver" | "analyst";
                            /** @description null: everything the role allows */
                            scopes: ("read" | "publish" | "approve" | "listening" | "admin")[] | null;
                            token: string;
                            /** Format: uuid */
                            userId: string;
                            /** Format: uuid */
                            workspaceId: string;
                        } | {
                            email: string;
                            /** @enum {string} */
                            role: "owner" | "admin" | "editor" | "approver" | "analyst";
                            /** @description The session started (its cookie is set); no API token is minted */
                            session: {
                                /** @description Send it as the x-csrf-token header with every POST, PUT, PATCH and DELETE the cookie authenticates */
                                csrfToken: string;
                                /** @description When the session ends at the latest (it ends sooner after a long idle time) */
                                expiresAt: string;
                                /** @description The Temporal namespace Chorus's workflows run in: a workflow's page in the UI is <temporalUiUrl>/namespaces/<namespace>/workflows/<workflowId> */
                                temporalNamespace: string;
                                /** @description The Temporal UI of this installation, if known */
                                temporalUiUrl: string | null;
                                user: {
                                    email: string;
                                    /** Format: uuid */
                                    id: string;
                                    name: string | null;
                                };
                                /** @description The workspace the session acts in now */
                                workspace: {
                                    /** Format: uuid */
                                    id: string;
                                    name: string;
                                    /** @enum {string} */
                                    role: "owner" | "admin" | "editor" | "approver" | "analyst";
                                };
                                /** @description Every workspace you are a member of, by name */
                                workspaces: {
                                    /** Format: uuid */
                                    id: string;
                                    name: string;
                                    /** @enum {string} */
                                    role: "owner" | "admin" | "editor" | "approver" | "analyst";
                                }[];
                            };
                            /** Format: uuid */
                            userId: string;
                            /** Format: uuid */
                            workspaceId: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/invitations/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who an invitation code invites to which workspace (no bearer token needed); it stays unused
         * @description For the page that opens an invitation link: 404 for an unknown code, 410 for one used, revoked, replaced or expired.
         */
        get: {
            parameters: {
                query: {
                    code: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            email: string;
                            expiresAt: string;
                            /** @enum {string} */
                            role: "owner" | "admin" | "editor" | "approver" | "analyst";
                            workspaceName: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/library": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Library items, by tag and kind; usable=true: approved and unexpired */
        get: {
            parameters: {
                query?: {
                    kind?: "snippet" | "template" | "media" | "saved_reply";
                    tag?: string;
                    usable?: "true" | "false";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                body: string | null;
                                createdAt: string;
                                expiresAt: string | null;
                                /** Format: uuid */
                                id: string;
                                /** @enum {string} */
                                kind: "snippet" | "template" | "media" | "saved_reply";
                                /** Format: uuid */
                                mediaId: string | null;
                                name: string;
                                /** Format: uuid */
                                ownerId: string;
                                /** @enum {string} */
                                status: "awaiting_approval" | "approved" | "rejected";
                                tags: string[];
                                /** @description Approved and not expired: posts made from it unchanged skip their approval */
                                usable: boolean;
                                /** @description The posts made from it or carrying it */
                                usedBy: string[];
                                variables: string[];
                                workflowId: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Add a snippet, template, media item or saved reply; it goes through the workspace's approval chain */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Text of a snippet, or a template with {{variables}} */
                        body?: string;
                        /** Format: date-time */
                        expiresAt?: string;
                        /** @enum {string} */
                        kind: "snippet" | "template" | "media" | "saved_reply";
                        /**
                         * Format: uuid
                         * @description An uploaded media asset (POST /v1/media), for kind "media"
                         */
                        mediaId?: string;
                        name: string;
                        /** @default [] */
                        tags?: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            body: string | null;
                            createdAt: string;
                            expiresAt: string | null;
                            /** Format: uuid */
                            id: string;
                            /** @enum {string} */
                            kind: "snippet" | "template" | "media" | "saved_reply";
                            /** Format: uuid */
                            mediaId: string | null;
                            name: string;
                            /** Format: uuid */
                            ownerId: string;
                            /** @enum {string} */
                            status: "awaiting_approval" | "approved" | "rejected";
                            tags: string[];
                            /** @description Approved and not expired: posts made from it unchanged skip their approval */
                            usable: boolean;
                            /** @description The posts made from it or carrying it */
                            usedBy: string[];
                            variables: string[];
                            workflowId: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/library/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A library item and the posts that used it */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            body: string | null;
                            createdAt: string;
                            expiresAt: string | null;
                            /** Format: uuid */
                            id: string;
                            /** @enum {string} */
                            kind: "snippet" | "template" | "media" | "saved_reply";
                            /** Format: uuid */
                            mediaId: string | null;
                            name: string;
                            /** Format: uuid */
                            ownerId: string;
                            /** @enum {string} */
                            status: "awaiting_approval" | "approved" | "rejected";
                            tags: string[];
                            /** @description Approved and not expired: posts made from it unchanged skip their approval */
                            usable: boolean;
                            /** @description The posts made from it or carrying it */
                            usedBy: string[];
                            variables: string[];
                            workflowId: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/library/{id}/approval": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A library item's approval chain (steps from 1), each person named */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            awaiting: {
                                email: string | null;
                                id: string;
                                /** @description false: removed from the workspace since */
                                member: boolean;
                                name: string | null;
                            }[];
                            /** @description Approvers of the current step who have not decided yet */
                            awaitingUserIds: string[];
                            /** @description The step waiting for decisions, from 1 (the index in steps plus one); null when none is */
                            currentStep: number | null;
                            /** @description When the current step escalates (its deadlineSeconds after it began); null without a deadline or when no step is pending */
                            deadline: string | null;
                            decisions: {
                                at: string;
                                comment?: string;
                                /** @enum {string} */
                                decision: "approve" | "reject" | "request_changes";
                                round: number;
                                /** @description From 1 */
                                step: number;
                                user: {
                                    email: string | null;
                                    id: string;
                                    /** @description false: removed from the workspace since */
                                    member: boolean;
                                    name: string | null;
                                };
                                userId: string;
                            }[];
                            /** @description One person approves at most one step of a round */
                            distinctApprovers: boolean;
                            /** @description Who changed the content in this round: they may not decide in it */
                            editorIds: string[];
                            /** @description From 0; each edit of the content starts a new round from step 1 */
                            round: number;
                            /** @enum {string} */
                            state: "pending" | "changes_requested" | "approved" | "rejected" | "expired" | "none";
                            steps: {
                                /** @description The eligible approvers (eligibleUserIds), named */
                                approvers: {
                                    email: string | null;
                                    id: string;
                                    /** @description false: removed from the workspace since */
                                    member: boolean;
                                    name: string | null;
                                }[];
                                deadlineSeconds?: number;
                                eligibleUserIds: string[];
                                escalateTo?: {
                                    email: string | null;
                                    id: string;
                                    /** @description false: removed from the workspace since */
                                    member: boolean;
                                    name: string | null;
                                }[];
                                escalateToUserIds?: string[];
                                /** @enum {string} */
                                mode: "any" | "all" | "quorum";
                                name: string;
                                quorum?: number;
                                remindBeforeSeconds?: number;
                                source?: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Decide on a library item's approval (naming the step and round) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description A retry with the same key gets the first answer (same status and body) */
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        comment?: string;
                        /** @enum {string} */
                        decision: "approve" | "reject" | "request_changes";
                        /** @description The round it is for (the chain's round); after an edit started a new one it is refused (409) */
                        round: number;
                        /** @description The step it is for, from 1 (the chain's currentStep); a decision for another step is refused (409) */
                        step: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Approvers of the current step who have not decided yet */
                            awaitingUserIds: string[];
                            /** @description The step waiting for decisions, from 1 (the index in steps plus one); null when none is */
                            currentStep: number | null;
                            /** @description When the current step escalates (its deadlineSeconds after it began); null without a deadline or when no step is pending */
                            deadline: string | null;
                            decisions: {
                                at: string;
                                comment?: string;
                                /** @enum {string} */
                                decision: "approve" | "reject" | "request_changes";
                                round: number;
                                /** @description From 1 */
                                step: number;
                                userId: string;
                            }[];
                            /** @description One person approves at most one step of a round */
                            distinctApprovers: boolean;
                            /** @description Who changed the content in this round: they may not decide in it */
                            editorIds: string[];
                            /** @description From 0; each edit of the content starts a new round from step 1 */
                            round: number;
                            /** @enum {string} */
                            state: "pending" | "changes_requested" | "approved" | "rejected" | "expired" | "none";
                            steps: {
                                deadlineSeconds?: number;
                                eligibleUserIds: string[];
                                escalateToUserIds?: string[];
                                /** @enum {string} */
                                mode: "any" | "all" | "quorum";
                                name: string;
                                quorum?: number;
                                remindBeforeSeconds?: number;
                                source?: string;
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/listening/ingest": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Push mentions from another system (signed per Standard Webhooks with an ingest key) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        mentions: {
                            author: string;
                            /** @description The source says the author is automated */
                            bot?: boolean;
                            /** @description The item's id at its source: a second push of it is stored once */
                            id: string;
                            lang?: string;
                            /** @description Default: the links in the text */
                            links?: string[];
                            /**
                             * Format: date-time
                             * @description Default: when it arrives
                             */
                            postedAt?: string;
                            /**
                             * @description Where it comes from; stored as push:<source>
                             * @default push
                             */
                            source?: string;
                            text: string;
                            /** Format: uri */
                            url?: string;
                        }[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            deliveryId: string;
                            queries: {
                                duplicate: number;
                                filtered: number;
                                /** Format: uuid */
                                queryId: string;
                                stored: number;
                                unmatched: number;
                            }[];
                            received: number;
                            /** @description A retry of a delivery already taken: its first answer, nothing stored again */
                            repeatedDelivery: boolean;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/listening/ingest-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Ingest keys of your workspace (never their secrets) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            keys: {
                                createdAt: string;
                                /** Format: uuid */
                                id: string;
                                lastUsedAt: string | null;
                                name: string;
                                revokedAt: string | null;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a key for pushing mentions; its signing secret is shown once */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            createdAt: string;
                            /** @description The header that names the key */
                            header: string;
                            /** Format: uuid */
                            id: string;
                            lastUsedAt: string | null;
                            name: string;
                            revokedAt: string | null;
                            /** @description The signing secret (whsec_…), shown only now */
                            secret: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/listening/ingest-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an ingest key: its pushes are refused from now on */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Revoked */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/listening/queries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Listening queries of your workspace */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            queries: {
                                alerting: {
                                    baselineWindows?: number;
                                    minVolume?: number;
                                    negativeShareIncrease?: number;
                                    volumeFactor?: number;
                                    windowSeconds?: number;
                                };
                                /** @description From then on its spike baseline holds only windows it listened through, and it can alert */
                                alertsFrom: string;
                                createdAt: string;
                                expression: string;
                                filters: {
                                    blockAuthors?: string[];
                                    blockDomains?: string[];
                                    languages?: string[];
                                    minLength?: number;
                                };
                                /** Format: uuid */
                                id: string;
                                /** @enum {string} */
                                kind: "brand" | "competitor" | "topic";
                                /** @description Since when the query has listened without a break (created, resumed, a source added) */
                                listeningSince: string;
                                name: string;
                                sources: {
                                    bluesky?: {
                                        fromCursor?: number;
                                        plcUrl?: string;
                                        service: string;
                                    };
                                    mastodon?: {
                                        hasAccessToken: boolean;
                                        hashtag?: string;
                                        instance: string;
                                        search?: string;
                                    }[];
                                    push?: boolean;
                                    rss?: string[];
                                };
                                /** @enum {string} */
                                status: "active" | "paused" | "deleted";
                                workflowId: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Start listening: a boolean query over sources, with noise filters; tagged brand or competitor for share of voice */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @default {} */
                        alerting?: {
                            /** @description How many earlier windows form the baseline (default 12) */
                            baselineWindows?: number;
                            /** @description Fewer mentions than this in the window never alert (default 10) */
                            minVolume?: number;
                            /** @description Negative spike: share of negatives this much above the baseline's, and at least half (default 0.2) */
                            negativeShareIncrease?: number;
                            /** @description Volume spike: more than this times the baseline mean (default 3) */
                            volumeFactor?: number;
                            /** @description Window compared with the ones before it (default 3600) */
                            windowSeconds?: number;
                        };
                        expression: string;
                        /** @default {} */
                        filters?: {
                            blockAuthors?: string[];
                            blockDomains?: string[];
                            languages?: string[];
                            minLength?: number;
                        };
                        /**
                         * @default brand
                         * @enum {string}
                         */
                        kind?: "brand" | "competitor" | "topic";
                        name: string;
                        sources: {
                            bluesky?: {
                                /** @description Backfill from this firehose sequence number */
                                fromCursor?: number;
                                /**
                                 * Format: uri
                                 * @description PLC directory; default plc.directory
                                 */
                                plcUrl?: string;
                                /**
                                 * Format: uri
                                 * @description A relay or PDS serving com.atproto.sync.subscribeRepos
                                 * @default wss://bsky.network
                                 */
                                service?: string;
                            };
                            /** @description Mastodon hashtag or search timelines, read from where the last read stopped */
                            mastodon?: {
                                /** @description A token with the read:statuses scope; stored sealed, never returned */
                                accessToken?: string;
                                /** @description Read this hashtag's timeline */
                                hashtag?: string;
                                /**
                                 * Format: uri
                                 * @description The instance, e.g. https://mastodon.social
                                 */
                                instance: string;
                                /** @description Or read the statuses this search finds (needs an access token and an instance with full-text search) */
                                search?: string;
                            }[];
                            /** @description Match the mentions other systems push to POST /v1/listening/ingest */
                            push?: boolean;
                            /** @description RSS or Atom feeds, polled with conditional GET */
                            rss?: string[];
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            alerting: {
                                baselineWindows?: number;
                                minVolume?: number;
                                negativeShareIncrease?: number;
                                volumeFactor?: number;
                                windowSeconds?: number;
                            };
                            /** @description From then on its spike baseline holds only windows it listened through, and it can alert */
                            alertsFrom: string;
                            createdAt: string;
                            expression: string;
                            filters: {
                                blockAuthors?: string[];
                                blockDomains?: string[];
                                languages?: string[];
                                minLength?: number;
                            };
                            /** Format: uuid */
                            id: string;
                            /** @enum {string} */
                            kind: "brand" | "competitor" | "topic";
                            /** @description Since when the query has listened without a break (created, resumed, a source added) */
                            listeningSince: string;
                            name: string;
                            sources: {
                                bluesky?: {
                                    fromCursor?: number;
                                    plcUrl?: string;
                                    service: string;
                                };
                                mastodon?: {
                                    hasAccessToken: boolean;
                                    hashtag?: string;
                                    instance: string;
                                    search?: string;
                                }[];
                                push?: boolean;
                                rss?: string[];
                            };
                            /** @enum {string} */
                            status: "active" | "paused" | "deleted";
                            /** @description e.g. a lower-case "or" that is searched for as a word */
                            warnings: {
                                field: string;
                                message: string;
                                rule: string;
                            }[];
                            workflowId: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/listening/queries/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A query with its counters: stored, filtered by reason, live loop state */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            alerting: {
                                baselineWindows?: number;
                                minVolume?: number;
                                negativeShareIncrease?: number;
                                volumeFactor?: number;
                                windowSeconds?: number;
                            };
                            /** @description From then on its spike baseline holds only windows it listened through, and it can alert */
                            alertsFrom: string;
                            createdAt: string;
                            expression: string;
                            feeds: {
                                checkedAt: string;
                                healthy: boolean;
                                lastError: string | null;
                                url: string;
                            }[];
                            filteredByReason: {
                                [key: string]: number;
                            };
                            filters: {
                                blockAuthors?: string[];
                                blockDomains?: string[];
                                languages?: string[];
                                minLength?: number;
                            };
                            /** Format: uuid */
                            id: string;
                            /** @enum {string} */
                            kind: "brand" | "competitor" | "topic";
                            /** @description Since when the query has listened without a break (created, resumed, a source added) */
                            listeningSince: string;
                            /** @description The listening loop: its reads (runs, processed, malformed, health) and what the query has stored and filtered from every source */
                            live: {
                                filtered: number;
                                lastError: string | null;
                                malformed: number;
                                paused: boolean;
                                processed: number;
                                runs: number;
                                sourceHealthy: boolean;
                                stored: number;
                            } | null;
                            mastodon: {
                                checkedAt: string;
                                healthy: boolean;
                                lastError: string | null;
                                position: string | null;
                                rateLimitedUntil: string | null;
                                timeline: string;
                            }[];
                            mentions: number;
                            name: string;
                            sources: {
                                bluesky?: {
                                    fromCursor?: number;
                                    plcUrl?: string;
                                    service: string;
                                };
                                mastodon?: {
                                    hasAccessToken: boolean;
                                    hashtag?: string;
                                    instance: string;
                                    search?: string;
                                }[];
                                push?: boolean;
                                rss?: string[];
                            };
                            /** @enum {string} */
                            status: "active" | "paused" | "deleted";
                            workflowId: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Stop listening for good (mentions are kept) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Stopped */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a query; the listening loop picks the change up at once. `sources` replaces all sources (send Mastodon tokens again) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        alerting?: {
                            /** @description How many earlier windows form the baseline (default 12) */
                            baselineWindows?: number;
                            /** @description Fewer mentions than this in the window never alert (default 10) */
                            minVolume?: number;
                            /** @description Negative spike: share of negatives this much above the baseline's, and at least half (default 0.2) */
                            negativeShareIncrease?: number;
                            /** @description Volume spike: more than this times the baseline mean (default 3) */
                            volumeFactor?: number;
                            /** @description Window compared with the ones before it (default 3600) */
                            windowSeconds?: number;
                        };
                        expression?: string;
                        filters?: {
                            blockAuthors?: string[];
                            blockDomains?: string[];
                            languages?: string[];
                            minLength?: number;
                        };
                        name?: string;
                        sources?: {
                            bluesky?: {
                                /** @description Backfill from this firehose sequence number */
                                fromCursor?: number;
                                /**
                                 * Format: uri
                                 * @description PLC directory; default plc.directory
                                 */
                                plcUrl?: string;
                                /**
                                 * Format: uri
                                 * @description A relay or PDS serving com.atproto.sync.subscribeRepos
                                 * @default wss://bsky.network
                                 */
                                service?: string;
                            };
                            /** @description Mastodon hashtag or search timelines, read from where the last read stopped */
                            mastodon?: {
                                /** @description A token with the read:statuses scope; stored sealed, never returned */
                                accessToken?: string;
                                /** @description Read this hashtag's timeline */
                                hashtag?: string;
                                /**
                                 * Format: uri
                                 * @description The instance, e.g. https://mastodon.social
                                 */
                                instance: string;
                                /** @description Or read the statuses this search finds (needs an access token and an instance with full-text search) */
                                search?: string;
                            }[];
                            /** @description Match the mentions other systems push to POST /v1/listening/ingest */
                            push?: boolean;
                            /** @description RSS or Atom feeds, polled with conditional GET */
                            rss?: string[];
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            alerting: {
                                baselineWindows?: number;
                                minVolume?: number;
                                negativeShareIncrease?: number;
                                volumeFactor?: number;
                                windowSeconds?: number;
                            };
                            /** @description From then on its spike baseline holds only windows it listened through, and it can alert */
                            alertsFrom: string;
                            createdAt: string;
                            expression: string;
                            filters: {
                                blockAuthors?: string[];
                                blockDomains?: string[];
                                languages?: string[];
                                minLength?: number;
                            };
                            /** Format: uuid */
                            id: string;
                            /** @enum {string} */
                            kind: "brand" | "competitor" | "topic";
                            /** @description Since when the query has listened without a break (created, resumed, a source added) */
                            listeningSince: string;
                            name: string;
                            sources: {
                                bluesky?: {
                                    fromCursor?: number;
                                    plcUrl?: string;
                                    service: string;
                                };
                                mastodon?: {
                                    hasAccessToken: boolean;
                                    hashtag?: string;
                                    instance: string;
                                    search?: string;
                                }[];
                                push?: boolean;
                                rss?: string[];
                            };
                            /** @enum {string} */
                            status: "active" | "paused" | "deleted";
                            /** @description e.g. a lower-case "or" that is searched for as a word */
                            warnings: {
                                field: string;
                                message: string;
                                rule: string;
                            }[];
                            workflowId: string;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/listening/queries/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause listening */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            alerting: {
                                baselineWindows?: number;
                                minVolume?: number;
                                negativeShareIncrease?: number;
                                volumeFactor?: number;
                                windowSeconds?: number;
                            };
                            /** @description From then on its spike baseline holds only windows it listened through, and it can alert */
                            alertsFrom: string;
                            createdAt: string;
                            expression: string;
                            filters: {
                                blockAuthors?: string[];
                                blockDomains?: string[];
                                languages?: string[];
                                minLength?: number;
                            };
                            /** Format: uuid */
                            id: string;
                            /** @enum {string} */
                            kind: "brand" | "competitor" | "topic";
                            /** @description Since when the query has listened without a break (created, resumed, a source added) */
                            listeningSince: string;
                            name: string;
                            sources: {
                                bluesky?: {
                                    fromCursor?: number;
                                    plcUrl?: string;
                                    service: string;
                                };
                                mastodon?: {
                                    hasAccessToken: boolean;
                                    hashtag?: string;
                                    instance: string;
                                    search?: string;
                                }[];
                                push?: boolean;
                                rss?: string[];
                            };
                            /** @enum {string} */
                            status: "active" | "paused" | "deleted";
                            workflowId: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/listening/queries/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume listening */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            alerting: {
                                baselineWindows?: number;
                                minVolume?: number;
                                negativeShareIncrease?: number;
                                volumeFactor?: number;
                                windowSeconds?: number;
                            };
                            /** @description From then on its spike baseline holds only windows it listened through, and it can alert */
                            alertsFrom: string;
                            createdAt: string;
                            expression: string;
                            filters: {
                                blockAuthors?: string[];
                                blockDomains?: string[];
                                languages?: string[];
                                minLength?: number;
                            };
                            /** Format: uuid */
                            id: string;
                            /** @enum {string} */
                            kind: "brand" | "competitor" | "topic";
                            /** @description Since when the query has listened without a break (created, resumed, a source added) */
                            listeningSince: string;
                            name: string;
                            sources: {
                                bluesky?: {
                                    fromCursor?: number;
                                    plcUrl?: string;
                                    service: string;
                                };
                                mastodon?: {
                                    hasAccessToken: boolean;
                                    hashtag?: string;
                                    instance: string;
                                    search?: string;
                                }[];
                                push?: boolean;
                                rss?: string[];
                            };
                            /** @enum {string} */
                            status: "active" | "paused" | "deleted";
                            workflowId: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/listening/queries/parse": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Check a query expression without saving it: where it breaks and what was expected there, or the warnings a valid one carries */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        expression: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                expected: string;
                                found: string;
                                message: string;
                                /** @description 0-based offset into the expression (UTF-16 units), where the caret belongs */
                                position: number;
                            } | null;
                            ok: boolean;
                            /** @description The terms and phrases a matching mention contains, for highlighting */
                            terms: string[];
                            warnings: {
                                field: string;
                                message: string;
                                rule: string;
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/listening/share-of-voice": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Share of voice over time across brand and competitor queries */
        get: {
            parameters: {
                query: {
                    from: string;
                    interval?: "hour" | "day" | "week";
                    to: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            series: {
                                at: string;
                                queries: {
                                    kind: string;
                                    name: string;
                                    /** Format: uuid */
                                    queryId: string;
                                    share: number;
                                    volume: number;
                                }[];
                                total: number;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/listening/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Volume and sentiment mix per query over time (corrections count) */
        get: {
            parameters: {
                query: {
                    from: string;
                    interval?: "hour" | "day";
                    queryId?: string;
                    to: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            series: {
                                at: string;
                                negative: number;
                                neutral: number;
                                positive: number;
                                /** Format: uuid */
                                queryId: string;
                                volume: number;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/listening/trends": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Top terms, hashtags, links and authors in a window against the previous one, rising first */
        get: {
            parameters: {
                query?: {
                    hours?: number;
                    limit?: number;
                    queryId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            authors: {
                                /** @description count − previous */
                                change: number;
                                count: number;
                                previous: number;
                                value: string;
                            }[];
                            hashtags: {
                                /** @description count − previous */
                                change: number;
                                count: number;
                                previous: number;
                                value: string;
                            }[];
                            links: {
                                /** @description count − previous */
                                change: number;
                                count: number;
                                previous: number;
                                value: string;
                            }[];
                            terms: {
                                /** @description count − previous */
                                change: number;
                                count: number;
                                previous: number;
                                value: string;
                            }[];
                            window: {
                                from: string;
                                previousFrom: string;
                                to: string;
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/media": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Upload an image (PNG, JPEG, GIF, WebP; ≤ 10 MB, ≤ 8000 px a side) or an MP4 video (≤ 100 MB) as the request body */
        post: {
            parameters: {
                query?: {
                    filename?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            bytes: number;
                            contentType: string;
                            filename: string;
                            height: number | null;
                            /** Format: uuid */
                            id: string;
                            sha256: string;
                            width: number | null;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/media/{id}/content": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The uploaded file */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The file, in its content type */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "*/*": unknown;
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/media/{id}/shared": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * An uploaded file at a signed, expiring URL (for networks that fetch media themselves: Instagram, Threads)
         * @description No sign-in: the URL is the authority. Chorus hands such URLs to the network when it publishes a post with media; they expire after MEDIA_URL_TTL_SECONDS.
         */
        get: {
            parameters: {
                query: {
                    /** @description When the URL stops working (Unix seconds) */
                    expires: number;
                    /** @description HMAC of the id and the expiry */
                    signature: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The file, in its content type */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "*/*": unknown;
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Members of your workspace and their roles */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            members: {
                                email: string;
                                joinedAt: string;
                                /**
                                 * @description service: a service account (an integration), not a person
                                 * @enum {string}
                                 */
                                kind: "person" | "service";
                                name: string | null;
                                /** @enum {string} */
                                role: "owner" | "admin" | "editor" | "approver" | "analyst";
                                /** Format: uuid */
                                userId: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Add a member with a role (only an owner can add an owner); the answer carries their invitation code, shown once and emailed when SMTP is set */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: email */
                        email: string;
                        name?: string;
                        /** @enum {string} */
                        role: "owner" | "admin" | "editor" | "approver" | "analyst";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            email: string;
                            invitation: {
                                acceptedAt: string | null;
                                /** @description Shown in this response only: the member redeems it with POST /v1/invitations/accept */
                                code: string;
                                createdAt: string;
                                /** Format: uuid */
                                createdBy: string;
                                email: string;
                                /** @description Whether the code was emailed to the member (SMTP configured and the send succeeded) */
                                emailed: boolean;
                                expiresAt: string;
                                /** Format: uuid */
                                id: string;
                                name: string | null;
                                revokedAt: string | null;
                                /** @enum {string|null} */
                                revokedReason: "revoked" | "reissued" | "member_removed" | null;
                                /**
                                 * @description The member's current role; null once they left the workspace
                                 * @enum {string|null}
                                 */
                                role: "owner" | "admin" | "editor" | "approver" | "analyst" | null;
                                /** @enum {string} */
                                state: "pending" | "expired" | "accepted" | "revoked";
                                /** Format: uuid */
                                userId: string;
                            };
                            joinedAt: string;
                            /**
                             * @description service: a service account (an integration), not a person
                             * @enum {string}
                             */
                            kind: "person" | "service";
                            name: string | null;
                            /** @enum {string} */
                            role: "owner" | "admin" | "editor" | "approver" | "analyst";
                            /** Format: uuid */
                            userId: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/members/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a member; their tokens for this workspace are revoked and their open invitation stops working */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    userId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Removed */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a member's role */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    userId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        role: "owner" | "admin" | "editor" | "approver" | "analyst";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            email: string;
                            joinedAt: string;
                            /**
                             * @description service: a service account (an integration), not a person
                             * @enum {string}
                             */
                            kind: "person" | "service";
                            name: string | null;
                            /** @enum {string} */
                            role: "owner" | "admin" | "editor" | "approver" | "analyst";
                            /** Format: uuid */
                            userId: string;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/mentions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Mentions, newest first */
        get: {
            parameters: {
                query?: {
                    from?: string;
                    /** @description Only mentions with buying intent */
                    lead?: "true" | "false";
                    limit?: number;
                    queryId?: string;
                    sentiment?: "positive" | "negative" | "neutral";
                    source?: string;
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            mentions: {
                                author: string;
                                id: string;
                                lang: string | null;
                                /** @description Buying intent */
                                lead: boolean;
                                postedAt: string;
                                /** Format: uuid */
                                queryId: string;
                                sentiment: {
                                    computed: string;
                                    corrected: boolean;
                                    /** @description The correction where there is one, else the computed label */
                                    label: string;
                                    score: number;
                                };
                                source: string;
                                sourceId: string;
                                tags: string[];
                                text: string;
                                url: string | null;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/mentions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Correct a mention's sentiment (statistics use the correction) or tag it */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        sentiment?: "positive" | "negative" | "neutral";
                        tags?: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            sentiment: string;
                            tags: string[];
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Approval reminders and escalations, spike alerts (mine=true: addressed to me); each names its subject and its recipients */
        get: {
            parameters: {
                query?: {
                    mine?: "true" | "false";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            notifications: {
                                createdAt: string;
                                /** @description Delivered to the notification webhook */
                                deliveredAt: string | null;
                                id: string;
                                /** @description approval.reminder, approval.escalated, listening.spike */
                                kind: string;
                                payload: unknown;
                                recipientIds: string[];
                                recipients: {
                                    email: string | null;
                                    id: string;
                                    /** @description false: removed from the workspace since */
                                    member: boolean;
                                    name: string | null;
                                }[];
                                subjectId: string;
                                /**
                                 * @description What subjectId is the id of
                                 * @enum {string}
                                 */
                                subjectType: "post" | "campaign" | "library_item" | "alert" | "conversation" | "workspace" | "channel";
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/notifications/webhook": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Where approval reminders and escalations are delivered (Standard Webhooks; verified with a ping) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        secret: string;
                        /** Format: uri */
                        url: string;
                    };
                };
            };
            responses: {
                /** @description Verified and saved */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/posts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Posts by publish time, status, channel and campaign */
        get: {
            parameters: {
                query?: {
                    campaignId?: string;
                    channelId?: string;
                    from?: string;
                    limit?: number;
                    status?: "awaiting_approval" | "changes_requested" | "scheduled" | "held" | "publishing" | "published" | "partially_published" | "failed" | "cancelled" | "rejected" | "expired";
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            posts: {
                                /** Format: uuid */
                                authorId: string;
                                /** Format: uuid */
                                campaignId: string | null;
                                createdAt: string;
                                /** Format: uuid */
                                id: string;
                                /** Format: uuid */
                                libraryItemId: string | null;
                                /** @description Attached media, in order */
                                media: {
                                    alt: string;
                                    bytes: number;
                                    contentType: string;
                                    height: number | null;
                                    /**
                                     * Format: uuid
                                     * @description The library media item it came from, if any
                                     */
                                    libraryItemId: string | null;
                                    /** Format: uuid */
                                    mediaId: string;
                                    width: number | null;
                                }[];
                                /** @description Made from an approved library item without changes, so it skipped its approval chain */
                                preApproved: boolean;
                                publishAt: string;
                                /** @enum {string} */
                                status: "awaiting_approval" | "changes_requested" | "scheduled" | "held" | "publishing" | "published" | "partially_published" | "failed" | "cancelled" | "rejected" | "expired";
                                targets: {
                                    attempts: number;
                                    /** Format: uuid */
                                    channelId: string;
                                    /** @description The network's id, e.g. the at:// URI of the Bluesky record */
                                    externalId: string | null;
                                    /** Format: uuid */
                                    id: string;
                                    lastError: string | null;
                                    publishedAt: string | null;
                                    /** @enum {string} */
                                    status: "pending" | "publishing" | "published" | "failed" | "cancelled";
                                    text: string;
                                    url: string | null;
                                }[];
                                text: string;
                                updatedAt: string;
                                workflowId: string;
                                /** Format: uuid */
                                workspaceId: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Schedule a post to one or more channels (now when publishAt is omitted)
         * @description Stores the post and starts its workflow in one step: either both happen or neither.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * Format: uuid
                         * @description Join a campaign: its links get the campaign's UTM tags, and it publishes only while the campaign runs
                         */
                        campaignId?: string;
                        channelIds: string[];
                        /**
                         * Format: uuid
                         * @description Make the post from an approved library snippet or template; unchanged, it skips approval
                         */
                        libraryItemId?: string;
                        /** @description Media to attach, in order, each an upload or a library media item; each network checks its own rules (Bluesky: up to 4 images of at most 1,000,000 bytes) */
                        media?: ({
                            /** @description Alt text, for people who cannot see the image */
                            alt?: string;
                            /**
                             * Format: uuid
                             * @description An upload (POST /v1/media)
                             */
                            mediaId: string;
                        } | {
                            /** @description Alt text, for people who cannot see the image */
                            alt?: string;
                            /**
                             * Format: uuid
                             * @description An approved, unexpired library media item
                             */
                            libraryItemId: string;
                        })[];
                        /**
                         * Format: date-time
                         * @description When to publish; omit to publish now
                         */
                        publishAt?: string;
                        /** @description Take the next free queue slot shared by all the channels (instead of publishAt) */
                        queue?: boolean;
                        /** @description Required unless libraryItemId gives it */
                        text?: string;
                        /** @description Values for the template's {{variables}} */
                        variables?: {
                            [key: string]: string;
                        };
                        /** @description Per-channel text, by channel id */
                        variants?: {
                            [key: string]: string;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            authorId: string;
                            /** Format: uuid */
                            campaignId: string | null;
                            createdAt: string;
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            libraryItemId: string | null;
                            /** @description Attached media, in order */
                            media: {
                                alt: string;
                                bytes: number;
                                contentType: string;
                                height: number | null;
                                /**
                                 * Format: uuid
                                 * @description The library media item it came from, if any
                                 */
                                libraryItemId: string | null;
                                /** Format: uuid */
                                mediaId: string;
                                width: number | null;
                            }[];
                            /** @description Made from an approved library item without changes, so it skipped its approval chain */
                            preApproved: boolean;
                            publishAt: string;
                            /** @enum {string} */
                            status: "awaiting_approval" | "changes_requested" | "scheduled" | "held" | "publishing" | "published" | "partially_published" | "failed" | "cancelled" | "rejected" | "expired";
                            targets: {
                                attempts: number;
                                /** Format: uuid */
                                channelId: string;
                                /** @description The network's id, e.g. the at:// URI of the Bluesky record */
                                externalId: string | null;
                                /** Format: uuid */
                                id: string;
                                lastError: string | null;
                                publishedAt: string | null;
                                /** @enum {string} */
                                status: "pending" | "publishing" | "published" | "failed" | "cancelled";
                                text: string;
                                url: string | null;
                            }[];
                            text: string;
                            updatedAt: string;
                            workflowId: string;
                            /** Format: uuid */
                            workspaceId: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/posts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A post and the status of each target */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            authorId: string;
                            /** Format: uuid */
                            campaignId: string | null;
                            createdAt: string;
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            libraryItemId: string | null;
                            /** @description Attached media, in order */
                            media: {
                                alt: string;
                                bytes: number;
                                contentType: string;
                                height: number | null;
                                /**
                                 * Format: uuid
                                 * @description The library media item it came from, if any
                                 */
                                libraryItemId: string | null;
                                /** Format: uuid */
                                mediaId: string;
                                width: number | null;
                            }[];
                            /** @description Made from an approved library item without changes, so it skipped its approval chain */
                            preApproved: boolean;
                            publishAt: string;
                            /** @enum {string} */
                            status: "awaiting_approval" | "changes_requested" | "scheduled" | "held" | "publishing" | "published" | "partially_published" | "failed" | "cancelled" | "rejected" | "expired";
                            targets: {
                                attempts: number;
                                /** Format: uuid */
                                channelId: string;
                                /** @description The network's id, e.g. the at:// URI of the Bluesky record */
                                externalId: string | null;
                                /** Format: uuid */
                                id: string;
                                lastError: string | null;
                                publishedAt: string | null;
                                /** @enum {string} */
                                status: "pending" | "publishing" | "published" | "failed" | "cancelled";
                                text: string;
                                url: string | null;
                            }[];
                            text: string;
                            updatedAt: string;
                            workflowId: string;
                            /** Format: uuid */
                            workspaceId: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/posts/{id}/approval": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The chain, its current step (from 1) and round, and every decision (who, when, comment), each person named; the text under decision and the previous round's */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            awaiting: {
                                email: string | null;
                                id: string;
                                /** @description false: removed from the workspace since */
                                member: boolean;
                                name: string | null;
                            }[];
                            /** @description Approvers of the current step who have not decided yet */
                            awaitingUserIds: string[];
                            /** @description The step waiting for decisions, from 1 (the index in steps plus one); null when none is */
                            currentStep: number | null;
                            /** @description When the current step escalates (its deadlineSeconds after it began); null without a deadline or when no step is pending */
                            deadline: string | null;
                            decisions: {
                                at: string;
                                comment?: string;
                                /** @enum {string} */
                                decision: "approve" | "reject" | "request_changes";
                                round: number;
                                /** @description From 1 */
                                step: number;
                                user: {
                                    email: string | null;
                                    id: string;
                                    /** @description false: removed from the workspace since */
                                    member: boolean;
                                    name: string | null;
                                };
                                userId: string;
                            }[];
                            /** @description One person approves at most one step of a round */
                            distinctApprovers: boolean;
                            /** @description Who changed the content in this round: they may not decide in it */
                            editorIds: string[];
                            /** @description The text the previous round decided on (replaced by the edit that started this round); null in round 0 */
                            previousRound: {
                                round: number;
                                text: string;
                            } | null;
                            /** @description From 0; each edit of the content starts a new round from step 1 */
                            round: number;
                            /** @enum {string} */
                            state: "pending" | "changes_requested" | "approved" | "rejected" | "expired" | "none";
                            steps: {
                                /** @description The eligible approvers (eligibleUserIds), named */
                                approvers: {
                                    email: string | null;
                                    id: string;
                                    /** @description false: removed from the workspace since */
                                    member: boolean;
                                    name: string | null;
                                }[];
                                deadlineSeconds?: number;
                                eligibleUserIds: string[];
                                escalateTo?: {
                                    email: string | null;
                                    id: string;
                                    /** @description false: removed from the workspace since */
                                    member: boolean;
                                    name: string | null;
                                }[];
                                escalateToUserIds?: string[];
                                /** @enum {string} */
                                mode: "any" | "all" | "quorum";
                                name: string;
                                quorum?: number;
                                remindBeforeSeconds?: number;
                                source?: string;
                            }[];
                            /** @description The post's text now, the one this round decides on */
                            text: string;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Approve or reject the current step of a post's chain (eligible approvers, never the author or an editor of the round, once per step) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description A retry with the same key gets the first answer (same status and body) */
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        comment?: string;
                        /** @enum {string} */
                        decision: "approve" | "reject" | "request_changes";
                        /** @description The round it is for (the chain's round); after an edit started a new one it is refused (409) */
                        round: number;
                        /** @description The step it is for, from 1 (the chain's currentStep); a decision for another step is refused (409) */
                        step: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Approvers of the current step who have not decided yet */
                            awaitingUserIds: string[];
                            /** @description The step waiting for decisions, from 1 (the index in steps plus one); null when none is */
                            currentStep: number | null;
                            /** @description When the current step escalates (its deadlineSeconds after it began); null without a deadline or when no step is pending */
                            deadline: string | null;
                            decisions: {
                                at: string;
                                comment?: string;
                                /** @enum {string} */
                                decision: "approve" | "reject" | "request_changes";
                                round: number;
                                /** @description From 1 */
                                step: number;
                                userId: string;
                            }[];
                            /** @description One person approves at most one step of a round */
                            distinctApprovers: boolean;
                            /** @description Who changed the content in this round: they may not decide in it */
                            editorIds: string[];
                            /** @description From 0; each edit of the content starts a new round from step 1 */
                            round: number;
                            /** @enum {string} */
                            state: "pending" | "changes_requested" | "approved" | "rejected" | "expired" | "none";
                            steps: {
                                deadlineSeconds?: number;
                                eligibleUserIds: string[];
                                escalateToUserIds?: string[];
                                /** @enum {string} */
                                mode: "any" | "all" | "quorum";
                                name: string;
                                quorum?: number;
                                remindBeforeSeconds?: number;
                                source?: string;
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/posts/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a scheduled post */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            authorId: string;
                            /** Format: uuid */
                            campaignId: string | null;
                            createdAt: string;
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            libraryItemId: string | null;
                            /** @description Attached media, in order */
                            media: {
                                alt: string;
                                bytes: number;
                                contentType: string;
                                height: number | null;
                                /**
                                 * Format: uuid
                                 * @description The library media item it came from, if any
                                 */
                                libraryItemId: string | null;
                                /** Format: uuid */
                                mediaId: string;
                                width: number | null;
                            }[];
                            /** @description Made from an approved library item without changes, so it skipped its approval chain */
                            preApproved: boolean;
                            publishAt: string;
                            /** @enum {string} */
                            status: "awaiting_approval" | "changes_requested" | "scheduled" | "held" | "publishing" | "published" | "partially_published" | "failed" | "cancelled" | "rejected" | "expired";
                            targets: {
                                attempts: number;
                                /** Format: uuid */
                                channelId: string;
                                /** @description The network's id, e.g. the at:// URI of the Bluesky record */
                                externalId: string | null;
                                /** Format: uuid */
                                id: string;
                                lastError: string | null;
                                publishedAt: string | null;
                                /** @enum {string} */
                                status: "pending" | "publishing" | "published" | "failed" | "cancelled";
                                text: string;
                                url: string | null;
                            }[];
                            text: string;
                            updatedAt: string;
                            workflowId: string;
                            /** Format: uuid */
                            workspaceId: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/posts/{id}/edit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Change the text (and variants) of a post that has not started publishing; with an approval chain, approval starts over */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        text: string;
                        /** @description Per-channel text, by channel id */
                        variants?: {
                            [key: string]: string;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            authorId: string;
                            /** Format: uuid */
                            campaignId: string | null;
                            createdAt: string;
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            libraryItemId: string | null;
                            /** @description Attached media, in order */
                            media: {
                                alt: string;
                                bytes: number;
                                contentType: string;
                                height: number | null;
                                /**
                                 * Format: uuid
                                 * @description The library media item it came from, if any
                                 */
                                libraryItemId: string | null;
                                /** Format: uuid */
                                mediaId: string;
                                width: number | null;
                            }[];
                            /** @description Made from an approved library item without changes, so it skipped its approval chain */
                            preApproved: boolean;
                            publishAt: string;
                            /** @enum {string} */
                            status: "awaiting_approval" | "changes_requested" | "scheduled" | "held" | "publishing" | "published" | "partially_published" | "failed" | "cancelled" | "rejected" | "expired";
                            targets: {
                                attempts: number;
                                /** Format: uuid */
                                channelId: string;
                                /** @description The network's id, e.g. the at:// URI of the Bluesky record */
                                externalId: string | null;
                                /** Format: uuid */
                                id: string;
                                lastError: string | null;
                                publishedAt: string | null;
                                /** @enum {string} */
                                status: "pending" | "publishing" | "published" | "failed" | "cancelled";
                                text: string;
                                url: string | null;
                            }[];
                            text: string;
                            updatedAt: string;
                            workflowId: string;
                            /** Format: uuid */
                            workspaceId: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/posts/{id}/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Live status, straight from the post's workflow */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            postId: string;
                            publishAt: string;
                            /** @enum {string} */
                            status: "awaiting_approval" | "changes_requested" | "scheduled" | "held" | "publishing" | "published" | "partially_published" | "failed" | "cancelled" | "rejected" | "expired";
                            targets: ({
                                /** Format: uuid */
                                channelId: string;
                                error?: string;
                                externalId?: string;
                                provider: string;
                                /** @enum {string} */
                                status: "pending" | "publishing" | "published" | "failed" | "cancelled";
                                /** Format: uuid */
                                targetId: string;
                                url?: string | null;
                            } & {
                                [key: string]: unknown;
                            })[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/posts/{id}/reschedule": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Move a scheduled post */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: date-time */
                        publishAt: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            authorId: string;
                            /** Format: uuid */
                            campaignId: string | null;
                            createdAt: string;
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            libraryItemId: string | null;
                            /** @description Attached media, in order */
                            media: {
                                alt: string;
                                bytes: number;
                                contentType: string;
                                height: number | null;
                                /**
                                 * Format: uuid
                                 * @description The library media item it came from, if any
                                 */
                                libraryItemId: string | null;
                                /** Format: uuid */
                                mediaId: string;
                                width: number | null;
                            }[];
                            /** @description Made from an approved library item without changes, so it skipped its approval chain */
                            preApproved: boolean;
                            publishAt: string;
                            /** @enum {string} */
                            status: "awaiting_approval" | "changes_requested" | "scheduled" | "held" | "publishing" | "published" | "partially_published" | "failed" | "cancelled" | "rejected" | "expired";
                            targets: {
                                attempts: number;
                                /** Format: uuid */
                                channelId: string;
                                /** @description The network's id, e.g. the at:// URI of the Bluesky record */
                                externalId: string | null;
                                /** Format: uuid */
                                id: string;
                                lastError: string | null;
                                publishedAt: string | null;
                                /** @enum {string} */
                                status: "pending" | "publishing" | "published" | "failed" | "cancelled";
                                text: string;
                                url: string | null;
                            }[];
                            text: string;
                            updatedAt: string;
                            workflowId: string;
                            /** Format: uuid */
                            workspaceId: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/posts/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Bulk-create posts from a CSV file (text/csv, UTF-8)
         * @description Columns: text, channels (names or ids separated by ;), publishAt (ISO-8601 with offset) or queue (true), campaign (name or id), media. dryRun=true checks every row and reports each bad one with its line number; otherwise the good rows are created by an import job whose progress GET /v1/posts/import/{jobId} reports.
         */
        post: {
            parameters: {
                query?: {
                    dryRun?: "true" | "false";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description dryRun=true: what the import would do */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            dryRun: true;
                            invalid: {
                                errors?: {
                                    field: string;
                                    message: string;
                                    rule: string;
                                }[];
                                line: number;
                            }[];
                            total: number;
                            valid: number;
                        };
                    };
                };
                /** @description The import job started; its progress is at the Location */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            jobId: string;
                            /** @enum {string} */
                            status: "running";
                            total: number;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/posts/import/{jobId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Progress of an import: rows processed, posts created, bad rows with their line numbers */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    jobId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            created: number;
                            failed: {
                                errors: {
                                    field: string;
                                    message: string;
                                    rule: string;
                                }[];
                                line: number;
                            }[];
                            finishedAt: string | null;
                            /** Format: uuid */
                            jobId: string;
                            processed: number;
                            startedAt: string;
                            /** @enum {string} */
                            status: "running" | "completed" | "failed";
                            total: number;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/posts/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * What creating this post would do, stored nowhere: its problems, approval chain and publish time
         * @description Takes the body of POST /v1/posts. Answers 200 even when the post could not be created: `problems` then lists why.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * Format: uuid
                         * @description Join a campaign: its links get the campaign's UTM tags, and it publishes only while the campaign runs
                         */
                        campaignId?: string;
                        channelIds: string[];
                        /**
                         * Format: uuid
                         * @description Make the post from an approved library snippet or template; unchanged, it skips approval
                         */
                        libraryItemId?: string;
                        /** @description Media to attach, in order, each an upload or a library media item; each network checks its own rules (Bluesky: up to 4 images of at most 1,000,000 bytes) */
                        media?: ({
                            /** @description Alt text, for people who cannot see the image */
                            alt?: string;
                            /**
                             * Format: uuid
                             * @description An upload (POST /v1/media)
                             */
                            mediaId: string;
                        } | {
                            /** @description Alt text, for people who cannot see the image */
                            alt?: string;
                            /**
                             * Format: uuid
                             * @description An approved, unexpired library media item
                             */
                            libraryItemId: string;
                        })[];
                        /**
                         * Format: date-time
                         * @description When to publish; omit to publish now
                         */
                        publishAt?: string;
                        /** @description Take the next free queue slot shared by all the channels (instead of publishAt) */
                        queue?: boolean;
                        /** @description Required unless libraryItemId gives it */
                        text?: string;
                        /** @description Values for the template's {{variables}} */
                        variables?: {
                            [key: string]: string;
                        };
                        /** @description Per-channel text, by channel id */
                        variants?: {
                            [key: string]: string;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The chain the post would wait for; null: it publishes without approval */
                            approval: {
                                distinctApprovers: boolean;
                                /** @description The approval policies the steps come from (content rules add steps with source "rule:<name>") */
                                policies: {
                                    /** Format: uuid */
                                    campaignId: string | null;
                                    /** Format: uuid */
                                    channelId: string | null;
                                    /** Format: uuid */
                                    id: string;
                                    /** @enum {string} */
                                    scope: "campaign" | "channel" | "workspace";
                                }[];
                                steps: {
                                    /** @description Who may decide the step (the author excluded) */
                                    approvers: {
                                        email: string | null;
                                        id: string;
                                        /** @description false: removed from the workspace since */
                                        member: boolean;
                                        name: string | null;
                                    }[];
                                    deadlineSeconds?: number;
                                    eligibleUserIds: string[];
                                    escalateToUserIds?: string[];
                                    /** @enum {string} */
                                    mode: "any" | "all" | "quorum";
                                    name: string;
                                    quorum?: number;
                                    remindBeforeSeconds?: number;
                                    source?: string;
                                    /** @description From 1 */
                                    step: number;
                                }[];
                            } | null;
                            /** @description Each channel in the workspace, in channelIds order (empty when the text cannot be told yet) */
                            channels: {
                                /** @description The text as it will be published when that differs: in a campaign with short links on, each link as `<app>/l/<code>` (the code, made at publishing, shown as xxxxxxxx); null: as `text` */
                                asPublished: string | null;
                                /** Format: uuid */
                                channelId: string;
                                /** @description The network's problems with this text and media */
                                problems: {
                                    field: string;
                                    message: string;
                                    rule: string;
                                }[];
                                /** @description What this channel would get: its variant or the text, template and UTM tags applied */
                                text: string;
                            }[];
                            /** @description Every broken rule, as POST /v1/posts would list them in its 422; empty when it can be created */
                            problems: {
                                field: string;
                                message: string;
                                rule: string;
                            }[];
                            /** @description When it would publish (the queue slot resolved); null: as soon as approved, or not yet known */
                            publishAt: string | null;
                            /**
                             * @description Its status once created; null when it cannot be created
                             * @enum {string|null}
                             */
                            status: "awaiting_approval" | "changes_requested" | "scheduled" | "held" | "publishing" | "published" | "partially_published" | "failed" | "cancelled" | "rejected" | "expired" | null;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/recurrences": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Recurring posts of your workspace */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            recurrences: {
                                /** Format: uuid */
                                authorId: string;
                                channelIds: string[];
                                createdAt: string;
                                /** Format: uuid */
                                id: string;
                                rule: {
                                    count?: number;
                                    /** @enum {string} */
                                    frequency: "daily" | "weekly" | "monthly";
                                    interval: number;
                                    monthDay?: number;
                                    startsOn: string;
                                    time: string;
                                    timezone: string;
                                    until?: string;
                                    weekdays?: number[];
                                };
                                /** @enum {string} */
                                status: "active" | "paused" | "stopped" | "completed";
                                text: string;
                                variants: {
                                    [key: string]: string;
                                };
                                workflowId: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** A post that repeats (daily, weekly on given days, monthly) in a timezone, until a date or a count */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        channelIds: string[];
                        count?: number;
                        rule: {
                            /** @enum {string} */
                            frequency: "daily" | "weekly" | "monthly";
                            /** @default 1 */
                            interval?: number;
                            /** @description monthly: in shorter months, their last day */
                            monthDay?: number;
                            time: string;
                            /** @description IANA timezone; default: the first channel's */
                            timezone?: string;
                            /** @description weekly: 1 = Monday … 7 = Sunday */
                            weekdays?: number[];
                        };
                        /**
                         * Format: date
                         * @description First day, YYYY-MM-DD, in the rule's timezone
                         */
                        startsOn: string;
                        text: string;
                        /** Format: date-time */
                        until?: string;
                        variants?: {
                            [key: string]: string;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            authorId: string;
                            channelIds: string[];
                            createdAt: string;
                            firstOccurrence: string;
                            /** Format: uuid */
                            id: string;
                            rule: {
                                count?: number;
                                /** @enum {string} */
                                frequency: "daily" | "weekly" | "monthly";
                                interval: number;
                                monthDay?: number;
                                startsOn: string;
                                time: string;
                                timezone: string;
                                until?: string;
                                weekdays?: number[];
                            };
                            /** @enum {string} */
                            status: "active" | "paused" | "stopped" | "completed";
                            text: string;
                            variants: {
                                [key: string]: string;
                            };
                            workflowId: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/recurrences/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A recurring post and its occurrences so far, each a post with its own status */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            authorId: string;
                            channelIds: string[];
                            createdAt: string;
                            /** Format: uuid */
                            id: string;
                            occurrences: {
                                occurrence: number | null;
                                post?: {
                                    /** Format: uuid */
                                    authorId: string;
                                    /** Format: uuid */
                                    campaignId: string | null;
                                    createdAt: string;
                                    /** Format: uuid */
                                    id: string;
                                    /** Format: uuid */
                                    libraryItemId: string | null;
                                    /** @description Attached media, in order */
                                    media: {
                                        alt: string;
                                        bytes: number;
                                        contentType: string;
                                        height: number | null;
                                        /**
                                         * Format: uuid
                                         * @description The library media item it came from, if any
                                         */
                                        libraryItemId: string | null;
                                        /** Format: uuid */
                                        mediaId: string;
                                        width: number | null;
                                    }[];
                                    /** @description Made from an approved library item without changes, so it skipped its approval chain */
                                    preApproved: boolean;
                                    publishAt: string;
                                    /** @enum {string} */
                                    status: "awaiting_approval" | "changes_requested" | "scheduled" | "held" | "publishing" | "published" | "partially_published" | "failed" | "cancelled" | "rejected" | "expired";
                                    targets: {
                                        attempts: number;
                                        /** Format: uuid */
                                        channelId: string;
                                        /** @description The network's id, e.g. the at:// URI of the Bluesky record */
                                        externalId: string | null;
                                        /** Format: uuid */
                                        id: string;
                                        lastError: string | null;
                                        publishedAt: string | null;
                                        /** @enum {string} */
                                        status: "pending" | "publishing" | "published" | "failed" | "cancelled";
                                        text: string;
                                        url: string | null;
                                    }[];
                                    text: string;
                                    updatedAt: string;
                                    workflowId: string;
                                    /** Format: uuid */
                                    workspaceId: string;
                                };
                            }[];
                            rule: {
                                count?: number;
                                /** @enum {string} */
                                frequency: "daily" | "weekly" | "monthly";
                                interval: number;
                                monthDay?: number;
                                startsOn: string;
                                time: string;
                                timezone: string;
                                until?: string;
                                weekdays?: number[];
                            };
                            /** @enum {string} */
                            status: "active" | "paused" | "stopped" | "completed";
                            text: string;
                            variants: {
                                [key: string]: string;
                            };
                            workflowId: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/recurrences/{id}/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Live state from the recurrence's workflow */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            nextIndex: number;
                            pending: {
                                at: string;
                                index: number;
                                /** Format: uuid */
                                postId: string;
                                workflowId: string;
                            } | null;
                            /** Format: uuid */
                            recurrenceId: string;
                            /** @enum {string} */
                            status: "active" | "paused" | "stopped" | "completed";
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/recurrences/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause: the upcoming occurrence is held; occurrences due while paused are skipped */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            nextIndex: number;
                            pending: {
                                at: string;
                                index: number;
                                /** Format: uuid */
                                postId: string;
                                workflowId: string;
                            } | null;
                            /** Format: uuid */
                            recurrenceId: string;
                            /** @enum {string} */
                            status: "active" | "paused" | "stopped" | "completed";
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/recurrences/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume: the held occurrence goes out if its time is still ahead */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            nextIndex: number;
                            pending: {
                                at: string;
                                index: number;
                                /** Format: uuid */
                                postId: string;
                                workflowId: string;
                            } | null;
                            /** Format: uuid */
                            recurrenceId: string;
                            /** @enum {string} */
                            status: "active" | "paused" | "stopped" | "completed";
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/recurrences/{id}/stop": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stop for good: the upcoming occurrence is cancelled */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            nextIndex: number;
                            pending: {
                                at: string;
                                index: number;
                                /** Format: uuid */
                                postId: string;
                                workflowId: string;
                            } | null;
                            /** Format: uuid */
                            recurrenceId: string;
                            /** @enum {string} */
                            status: "active" | "paused" | "stopped" | "completed";
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/service-accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create a service account: a member for an integration, with a role (never owner); mint its tokens with POST /v1/service-accounts/:userId/tokens */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        /** @enum {string} */
                        role: "admin" | "editor" | "approver" | "analyst";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            email: string;
                            joinedAt: string;
                            /**
                             * @description service: a service account (an integration), not a person
                             * @enum {string}
                             */
                            kind: "person" | "service";
                            name: string | null;
                            /** @enum {string} */
                            role: "owner" | "admin" | "editor" | "approver" | "analyst";
                            /** Format: uuid */
                            userId: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/service-accounts/{userId}/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mint an API token for a service account, optionally limited to scopes; the token is shown in this response only */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    userId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: date-time */
                        expiresAt?: string;
                        name: string;
                        /** @description Limits the token within the role: read, publish (content), approve (approval decisions), listening (queries, ingest keys), admin (members, channels, policies); every scope includes read. Omitted: everything the role allows */
                        scopes?: ("read" | "publish" | "approve" | "listening" | "admin")[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            createdAt: string;
                            expiresAt: string | null;
                            /** Format: uuid */
                            id: string;
                            lastUsedAt: string | null;
                            name: string;
                            /** @description The first characters of the token, to tell tokens apart */
                            prefix: string;
                            revokedAt: string | null;
                            /** @description null: everything the role allows */
                            scopes: ("read" | "publish" | "approve" | "listening" | "admin")[] | null;
                            token: string;
                            /** Format: uuid */
                            userId: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your signed-in session: who you are, the workspace you act in, your workspaces and the CSRF token */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Send it as the x-csrf-token header with every POST, PUT, PATCH and DELETE the cookie authenticates */
                            csrfToken: string;
                            /** @description When the session ends at the latest (it ends sooner after a long idle time) */
                            expiresAt: string;
                            /** @description The Temporal namespace Chorus's workflows run in: a workflow's page in the UI is <temporalUiUrl>/namespaces/<namespace>/workflows/<workflowId> */
                            temporalNamespace: string;
                            /** @description The Temporal UI of this installation, if known */
                            temporalUiUrl: string | null;
                            user: {
                                email: string;
                                /** Format: uuid */
                                id: string;
                                name: string | null;
                            };
                            /** @description The workspace the session acts in now */
                            workspace: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                /** @enum {string} */
                                role: "owner" | "admin" | "editor" | "approver" | "analyst";
                            };
                            /** @description Every workspace you are a member of, by name */
                            workspaces: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                /** @enum {string} */
                                role: "owner" | "admin" | "editor" | "approver" | "analyst";
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Sign in with email and password: sets the chorus_session cookie (HttpOnly, SameSite=Lax)
         * @description At most 10 attempts per address and email in 15 minutes (then 429 with Retry-After). A wrong email, a wrong password, an account without a password or without that workspace all get the same 401.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        email: string;
                        password: string;
                        /**
                         * Format: uuid
                         * @description The workspace to act in; default: the first of yours by name
                         */
                        workspaceId?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Send it as the x-csrf-token header with every POST, PUT, PATCH and DELETE the cookie authenticates */
                            csrfToken: string;
                            /** @description When the session ends at the latest (it ends sooner after a long idle time) */
                            expiresAt: string;
                            /** @description The Temporal namespace Chorus's workflows run in: a workflow's page in the UI is <temporalUiUrl>/namespaces/<namespace>/workflows/<workflowId> */
                            temporalNamespace: string;
                            /** @description The Temporal UI of this installation, if known */
                            temporalUiUrl: string | null;
                            user: {
                                email: string;
                                /** Format: uuid */
                                id: string;
                                name: string | null;
                            };
                            /** @description The workspace the session acts in now */
                            workspace: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                /** @enum {string} */
                                role: "owner" | "admin" | "editor" | "approver" | "analyst";
                            };
                            /** @description Every workspace you are a member of, by name */
                            workspaces: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                /** @enum {string} */
                                role: "owner" | "admin" | "editor" | "approver" | "analyst";
                            }[];
                        };
                    };
                };
            };
        };
        /** Sign out: the session stops working and the cookie is cleared (needs the x-csrf-token header) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Signed out */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/session/workspace": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Act in another of your workspaces (needs the x-csrf-token header) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: uuid */
                        workspaceId: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Send it as the x-csrf-token header with every POST, PUT, PATCH and DELETE the cookie authenticates */
                            csrfToken: string;
                            /** @description When the session ends at the latest (it ends sooner after a long idle time) */
                            expiresAt: string;
                            /** @description The Temporal namespace Chorus's workflows run in: a workflow's page in the UI is <temporalUiUrl>/namespaces/<namespace>/workflows/<workflowId> */
                            temporalNamespace: string;
                            /** @description The Temporal UI of this installation, if known */
                            temporalUiUrl: string | null;
                            user: {
                                email: string;
                                /** Format: uuid */
                                id: string;
                                name: string | null;
                            };
                            /** @description The workspace the session acts in now */
                            workspace: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                /** @enum {string} */
                                role: "owner" | "admin" | "editor" | "approver" | "analyst";
                            };
                            /** @description Every workspace you are a member of, by name */
                            workspaces: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                /** @enum {string} */
                                role: "owner" | "admin" | "editor" | "approver" | "analyst";
                            }[];
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your API tokens (owners and admins: everyone's, with all=true) */
        get: {
            parameters: {
                query?: {
                    all?: "true" | "false";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            tokens: {
                                createdAt: string;
                                expiresAt: string | null;
                                /** Format: uuid */
                                id: string;
                                lastUsedAt: string | null;
                                name: string;
                                /** @description The first characters of the token, to tell tokens apart */
                                prefix: string;
                                revokedAt: string | null;
                                /** @description null: everything the role allows */
                                scopes: ("read" | "publish" | "approve" | "listening" | "admin")[] | null;
                                /** Format: uuid */
                                userId: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create an API token for yourself, optionally limited to scopes; the token is shown in this response only */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: date-time */
                        expiresAt?: string;
                        name: string;
                        /** @description Limits the token within the role: read, publish (content), approve (approval decisions), listening (queries, ingest keys), admin (members, channels, policies); every scope includes read. Omitted: everything the role allows */
                        scopes?: ("read" | "publish" | "approve" | "listening" | "admin")[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            createdAt: string;
                            expiresAt: string | null;
                            /** Format: uuid */
                            id: string;
                            lastUsedAt: string | null;
                            name: string;
                            /** @description The first characters of the token, to tell tokens apart */
                            prefix: string;
                            revokedAt: string | null;
                            /** @description null: everything the role allows */
                            scopes: ("read" | "publish" | "approve" | "listening" | "admin")[] | null;
                            token: string;
                            /** Format: uuid */
                            userId: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a token (yours; owners and admins: anyone's) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Revoked */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: never;
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
