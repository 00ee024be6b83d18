import type { TemplateSet } from './types.ts';

/** 日本語の通知。社内向け: 経営層・運用チーム・開発チーム（チャット、client-markdown）。社外向け: 顧客・ベンダー・関係当局。 */
export const ja: TemplateSet = {
  language: 'ja',
  words: {
    // 計画書 4 章「評価」の重大度: 重大 / 高 / 中 / 低
    severity: { critical: '重大', high: '高', medium: '中', low: '低' },
    mode: { planned: '計画切替（スイッチオーバー）', unplanned: '計画外フェイルオーバー' },
    trigger: { console: '開始者', alarm: 'アラーム' },
    met: { yes: '達成', no: '未達', unknown: '未測定' },
    tierStatus: { recovered: '復旧済み', failed: '失敗', 'not-started': '未着手' },
    outcome: { recovered: '復旧', failed: '失敗', aborted: '中止' },
    unknown: '不明',
    failedExecution: '<失敗した実行の ARN>',
    listSeparator: '、',
    status: {
      recovering: '復旧作業中',
      restored: '復旧済み',
      continuing: '復旧作業継続中',
      assessing: '状況確認中',
    },
    impact: {
      critical: 'サービスがご利用いただけない、または大きく低下した状態です。',
      high: 'サービスの一部がご利用いただけない、または低下した状態です。',
      medium: '一部の機能で遅延や一時的にご利用いただけない状態が発生する可能性があります。',
      low: '影響は軽微で、ほとんどの機能は引き続きご利用いただけます。',
    },
  },

  internal: {
    'run-started': {
      subject: '[dr-autopilot][{{severity}}] 災害復旧開始: {{scenario}} ({{plan}})',
      title: ':rotating_light: [{{severity}}] 災害復旧を開始しました: {{scenarioName}}',
      description: `*計画:* {{plan}} | *シナリオ:* {{scenario}}（{{mode}}）
*重大度:* {{severity}}
{{#trigger}}
*契機:* {{kind}} {{by}}{{#reason}}: {{reason}}{{/reason}}
{{/trigger}}
*障害発生:* {{startedAt}}
*影響範囲:* 復旧対象 {{tierCount}} 階層・{{componentCount}} コンポーネント
{{#tiers}}
• {{id}}: RTO {{target}}、期限 {{due}}: {{components}}
{{/tiers}}
*実行:* {{execution}}{{#resumeOf}}（{{resumeOf}} の再開）{{/resumeOf}}`,
      nextSteps: [
        'Step Functions コンソール（{{region}}）で実行 {{execution}} の進行を確認してください。',
        '承認依頼と手動手順の依頼は社内トピックに届きます。`npx dr-autopilot approve|reject --region {{region}} --token …` で回答してください。',
      ],
    },
    'approval-needed': {
      subject: '[dr-autopilot][{{severity}}] 判断待ち: {{approval.tier}} の前に承認が必要です ({{scenario}})',
      title: ':raised_hand: [{{severity}}] 判断待ち: {{scenarioName}} の承認が必要です',
      description: `*計画:* {{plan}} | *シナリオ:* {{scenario}}（{{mode}}）
実行は {{approval.tier}} の前で、取り消せない手順（{{approval.oneWay}}）の承認を待っています。
*期限:* {{approval.deadline}}（あと {{approval.timeout}}）。期限までに回答がなければ却下とみなし、これらの手順の前で停止します。
*実行:* {{execution}}`,
      nextSteps: [
        '影響と回答コマンドを記載した承認依頼は、社内トピックで承認者に送信済みです。',
        '承認者: 期限までに `npx dr-autopilot approve` または `reject` で回答してください。',
      ],
    },
    'tier-recovered': {
      subject: '[dr-autopilot][{{severity}}] 階層復旧: {{tier.id}} 所要 {{tier.achieved}}（目標 {{tier.target}}）',
      title: ':white_check_mark: 階層 {{tier.id}} が復旧しました: 所要 {{tier.achieved}}（RTO 目標 {{tier.target}}: {{tier.met}}）',
      description: `*計画:* {{plan}} | *シナリオ:* {{scenario}}
*階層:* {{tier.id}}{{#tier.name}}: {{tier.name}}{{/tier.name}}
*RTO:* 実績 {{tier.achieved}}、目標 {{tier.target}}: {{tier.met}}
{{#progress}}
*進捗:* 全 {{total}} 階層中 {{done}} 階層が復旧
{{/progress}}
*次:* {{#next}}{{next}}{{/next}}{{^next}}最終検証{{/next}}
*実行:* {{execution}}`,
      nextSteps: ['対応は不要です。次の階層は自動で開始されます。'],
    },
    'component-failed': {
      subject: '[dr-autopilot][{{severity}}] エスカレーション: {{componentIds}} の復旧に失敗 ({{scenario}})',
      title: ':x: [{{severity}}] エスカレーション: {{componentIds}} の復旧に失敗しました',
      description: `*計画:* {{plan}} | *シナリオ:* {{scenario}}（{{mode}}）
{{#components}}
• {{id}}（{{type}}、{{tier}}）: {{attempts}} 回の試行後に失敗{{#error}}: {{name}}: {{message}}{{/error}}
{{/components}}
この階層は復旧済みとみなされず、以降の階層は開始されません。
*実行:* {{execution}}`,
      nextSteps: [
        '運用チーム: 実行履歴と関数のログで原因を特定してください。',
        '実行の停止後に原因を修正したら、`{"scenario": "{{scenario}}", "mode": "{{modeId}}", "reason": "…", "requestedBy": "…", "resumeOf": "{{executionId}}"}` で実行を開始し、インシデントを再開してください（復旧済みのコンポーネントは再実行されません）。',
        '直ちに DR 責任者と開発チームへエスカレーションしてください。',
      ],
    },
    'run-completed': {
      subject: '[dr-autopilot][{{severity}}] 災害復旧完了: {{scenario}} ({{plan}}) 所要 {{duration}}',
      title: ':white_check_mark: 災害復旧が完了しました: {{scenarioName}}（所要 {{duration}}）',
      description: `*計画:* {{plan}} | *シナリオ:* {{scenario}}（{{mode}}） | *重大度:* {{severity}}
{{#reportLink}}
*レポート:* {{url}} ({{uri}})
{{/reportLink}}
{{#reportError}}
*レポート:* 作成できませんでした（{{reportError}}）
{{/reportError}}
*障害発生:* {{startedAt}} | *完了:* {{finishedAt}}
*階層ごとの RTO:*
{{#tiers}}
• {{id}}: {{achieved}}（目標 {{target}}）: {{met}}
{{/tiers}}
*データ区分ごとの RPO:*
{{#rpo}}
• {{dataClass}}: {{measured}}（目標 {{target}}）: {{met}}{{#source}} [{{source}}]{{/source}}
{{/rpo}}
{{^rpo}}
• 測定なし
{{/rpo}}
{{#checks}}
*検証:* 成功 {{passed}}・失敗 {{failed}}・スキップ {{skipped}}{{#failedNames}}（失敗: {{failedNames}}）{{/failedNames}}
{{/checks}}`,
      nextSteps: [
        'アプリケーション担当者とサービスを確認し、事業部門へ報告してください。',
        '{{primary}} が正常に戻ったら切り戻しを計画し、この RTO・RPO の実績を障害報告書に記録してください。',
      ],
    },
    'run-failed': {
      subject: '[dr-autopilot][{{severity}}] 災害復旧失敗: {{scenario}} ({{plan}})',
      title: ':red_circle: [{{severity}}] 災害復旧に失敗しました: {{scenarioName}}',
      description: `*計画:* {{plan}} | *シナリオ:* {{scenario}}（{{mode}}） | *重大度:* {{severity}}
{{#reportLink}}
*レポート:* {{url}} ({{uri}})
{{/reportLink}}
{{#reportError}}
*レポート:* 作成できませんでした（{{reportError}}）
{{/reportError}}
*理由:* {{reason}}
{{#components}}
• {{id}}（{{type}}、{{tier}}）: 失敗{{#error}}: {{name}}: {{message}}{{/error}}
{{/components}}
{{#leftChanged.length}}
*変更されたままの構成要素（停止した階層。自動では元に戻りません）:*
{{/leftChanged.length}}
{{#leftChanged}}
• {{id}}（{{type}}、{{tier}}）: 停止前に復旧済み — 手作業で戻すか、全体が整った後に計画のフェイルバックシナリオを実行してください
{{/leftChanged}}
*階層ごとの RTO:*
{{#tiers}}
• {{id}}: {{status}}、{{achieved}}（目標 {{target}}）: {{met}}
{{/tiers}}
*データ区分ごとの RPO:*
{{#rpo}}
• {{dataClass}}: {{measured}}（目標 {{target}}）: {{met}}
{{/rpo}}
{{^rpo}}
• 測定なし
{{/rpo}}
{{#checks}}
*検証:* 成功 {{passed}}・失敗 {{failed}}・スキップ {{skipped}}{{#failedNames}}（失敗: {{failedNames}}）{{/failedNames}}
{{/checks}}
*障害発生:* {{startedAt}} | *停止:* {{finishedAt}}`,
      nextSteps: [
        '運用チーム: 原因を修正し、`{"scenario": "{{scenario}}", "mode": "{{modeId}}", "reason": "…", "requestedBy": "…", "resumeOf": "{{resumeTarget}}"}` で実行を開始してインシデントを再開してください（復旧済みのコンポーネントは再実行されません）。',
        'DR 責任者へエスカレーションしてください。RTO に間に合わない場合は残りを手動で復旧してください。',
      ],
    },
    'run-aborted': {
      subject: '[dr-autopilot][{{severity}}] 災害復旧中止: {{scenario}} ({{plan}})',
      title: ':octagonal_sign: [{{severity}}] 災害復旧を中止しました: {{scenarioName}}',
      description: `*計画:* {{plan}} | *シナリオ:* {{scenario}}（{{mode}}） | *重大度:* {{severity}}
{{#reportLink}}
*レポート:* {{url}} ({{uri}})
{{/reportLink}}
{{#reportError}}
*レポート:* 作成できませんでした（{{reportError}}）
{{/reportError}}
*理由:* {{reason}}
実行は次の取り消せない手順の前で停止しました。
{{#leftChanged.length}}
*変更されたままの構成要素（停止した階層。自動では元に戻りません）:*
{{/leftChanged.length}}
{{#leftChanged}}
• {{id}}（{{type}}、{{tier}}）: 停止前に復旧済み — 手作業で戻すか、全体が整った後に計画のフェイルバックシナリオを実行してください
{{/leftChanged}}
{{#tiers}}
• {{id}}: {{status}}
{{/tiers}}
*障害発生:* {{startedAt}} | *停止:* {{finishedAt}}`,
      nextSteps: ['DR 責任者: 復旧がまだ必要か判断してください。必要なら新しい実行を開始するか、このインシデントを再開してください。'],
    },
  },

  externalPartials: {
    estimates: `{{#core}}
{{#restored}}
主要機能: 復旧済み
{{/restored}}
{{#expected}}
主要機能の復旧見込み: {{by}}まで（発生から{{within}}以内）
{{/expected}}
{{#overdue}}
主要機能の復旧見込み: 想定より時間を要しております
{{/overdue}}
{{/core}}
{{#expected}}
全面復旧見込み: {{by}}まで（発生から{{within}}以内）
{{/expected}}
{{#overdue}}
全面復旧見込み: 復旧に想定より時間を要しております。新たな見込みは次回のお知らせでご案内します。
{{/overdue}}
次回のお知らせ: {{nextUpdateBy}}まで（状況に変化があれば随時）
`,
  },

  external: {
    'run-started': {
      subject: '【障害のお知らせ】サービス障害について（復旧作業中）',
      body: `【障害のお知らせ】

現在、サービス障害が発生しております。

状況: {{status}}
重大度: {{severity}}
影響: {{impact}}
発生日時: {{startedAt}}
{{> estimates}}

ご迷惑をおかけし誠に申し訳ございません。早期復旧に努めております。`,
    },
    'tier-recovered': {
      subject: '【障害のお知らせ】復旧状況{{#progress}}（全{{total}}段階中{{done}}段階完了）{{/progress}}',
      body: `【障害のお知らせ】復旧状況

状況: {{status}}{{#progress}}（全{{total}}段階中{{done}}段階の復旧が完了）{{/progress}}
重大度: {{severity}}
影響: {{impact}}
発生日時: {{startedAt}}
{{> estimates}}`,
    },
    'run-completed': {
      subject: '【復旧のお知らせ】サービスは復旧しました',
      body: `【復旧のお知らせ】

状況: {{status}}
重大度: {{severity}}
サービスは{{restoredAt}}に復旧しました{{#downtime}}（障害発生から{{downtime}}）{{/downtime}}。
発生日時: {{startedAt}}

本件のお知らせは以上となります。ご迷惑をおかけし誠に申し訳ございませんでした。`,
    },
    'run-failed': {
      subject: '【障害のお知らせ】復旧作業を継続しています',
      body: `【障害のお知らせ】

状況: {{status}}
重大度: {{severity}}
影響: {{impact}}
発生日時: {{startedAt}}
自動復旧を完了できなかったため、技術担当者が復旧作業を継続しております。
{{> estimates}}

ご迷惑をおかけし誠に申し訳ございません。`,
    },
    'run-aborted': {
      subject: '【障害のお知らせ】状況を確認しています',
      body: `【障害のお知らせ】

状況: {{status}}
重大度: {{severity}}
発生日時: {{startedAt}}
予備システムへの切り替えは実施しませんでした。引き続き状況を確認しております。
次回のお知らせ: {{nextUpdateBy}}まで（状況に変化があれば随時）`,
    },
  },
};
