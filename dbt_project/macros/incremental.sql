{#- Incremental builds (SPEC.md "Incremental builds", DECISIONS.md "Incremental builds").

    The models whose rows belong to one ticket and do not depend on as_of are `incremental`:
    a build deletes the rows of the tickets the batch touches (int_touched_tickets) and
    inserts those tickets' rows computed afresh from all their activities. int_build_batch
    decides, once per build, whether the build is a full rebuild instead.

    The incremental marts (contracted) set `on_schema_change='append_new_columns'`, not
    'fail': on Postgres their select gives `text` where the contract's table holds
    `varchar`, which dbt's schema-change check counts as a changed type (an incremental
    build would fail). The columns are held to the contract anyway: dbt checks the select
    of every build, incremental ones included, against it, and a changed model is a full
    rebuild (build_fingerprint_text). -#}

{#- The engines where a ticket's rows can be deleted and inserted again; elsewhere (Spark's
    plain Parquet tables have no DELETE) these models are tables rebuilt in full. -#}
{% macro ticket_grain_materialization() -%}
    {{ return('incremental' if target.type in ['duckdb', 'postgres'] else 'table') }}
{%- endmacro %}

{#- A condition keeping the rows of the tickets this build recomputes: all of them in a
    full rebuild, else the touched ones. A model using it declares
    `-- depends_on: {{ ref('int_touched_tickets') }}`. -#}
{% macro touched_tickets_only(column='ticket_id') -%}
    {#- A unit test renders the model without a relation (`this`): a full build. -#}
    {%- if this is not none and is_incremental() -%}
        {{ column }} in (select touched.ticket_id from {{ ref('int_touched_tickets') }} as touched)
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- The pre-hook of every incremental model: the touched tickets' rows go, the model's
    select inserts them again (strategy `append`); a ticket that lost all its activities
    (a re-export without it) is gone from every model. A model that rewrites more rows than
    the touched tickets' names them in `meta.also_rebuilt` (a condition on its columns). -#}
{% macro delete_touched_tickets() -%}
    {%- if is_incremental() -%}
        {%- set also_rebuilt = config.get('meta', {}).get('also_rebuilt') -%}
        delete from {{ this }}
        where {{ rebuilt_rows_condition(ref('int_touched_tickets'), also_rebuilt) }}
    {%- endif -%}
{%- endmacro %}

{#- The rows an incremental build of a ticket-grain model writes: the touched tickets' and
    those matching the model's `meta.also_rebuilt`. -#}
{% macro rebuilt_rows_condition(touched_relation, also_rebuilt=none) -%}
    ticket_id in (select touched.ticket_id from {{ touched_relation }} as touched)
    {%- if also_rebuilt %} or {{ also_rebuilt }}{% endif %}
{%- endmacro %}

{#- dbt's own macro, overridden: the relation a generic data test reads (a singular test
    may call it too). Its `where` config applies as in dbt; and in an incremental `dbt build`
    whose previous build was tested (int_build_batch.tests_written_rows_only), a test of a
    model this build wrote only in part reads only the rows it wrote: a ticket-grain
    incremental model's rows of the touched tickets (also a view whose
    `meta.incremental_test_scope` is `tickets`), and for a model whose
    `meta.incremental_test_scope` is `loads`, the records of the loads since the last
    completed build (for a test that runs after int_build_batch, which declares it). The
    other rows are unchanged since a build that wrote them and tested them; after a build
    that was not tested, or whose test failed, every row is tested (complete_build_batch). -#}
{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do conditions.append(where) -%}
    {%- endif -%}
    {%- set rebuilt = rows_rebuilt_in_this_build(relation) -%}
    {%- if rebuilt -%}
        {%- do conditions.append(rebuilt) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where ({{ conditions | join(') and (') }})) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

{#- The condition on `relation` keeping the rows this incremental `dbt build` wrote, or none
    (every row is tested): see get_where_subquery. -#}
{% macro rows_rebuilt_in_this_build(relation) -%}
    {%- if not execute or flags.WHICH != 'build' or flags.FULL_REFRESH
        or ticket_grain_materialization() != 'incremental' -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- set scope = namespace(name=none, also_rebuilt=none) -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.package_name == 'ticketflow'
            and (node.alias | lower) == (relation.identifier | lower)
            and (node.schema | lower) == (relation.schema | lower) -%}
            {%- set meta = node.config.meta or {} -%}
            {%- if node.unique_id not in selected_resources -%}
                {#- not built by this invocation: every row is tested -#}
            {%- elif node.config.materialized == 'incremental' -%}
                {%- set scope.name = 'tickets' -%}
                {%- set scope.also_rebuilt = meta.get('also_rebuilt') -%}
            {%- elif meta.get('incremental_test_scope') == 'tickets' -%}
                {#- a view whose rows of a ticket come from that ticket's rows of
                    incremental models (and seeds, whose change forces a full rebuild) -#}
                {%- set scope.name = 'tickets' -%}
            {%- elif meta.get('incremental_test_scope') == 'loads' -%}
                {%- set scope.name = 'loads' -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set batch = build_batch_relation() if scope.name else none -%}
    {%- set touched = model_relation('model.ticketflow.int_touched_tickets') if batch else none -%}
    {%- if touched is none
        or 'tests_written_rows_only' not in adapter.get_columns_in_relation(batch)
        | map(attribute='name') | map('lower') | list -%}
        {%- do return(none) -%}
    {%- endif -%}
    {#- The batch of this invocation only: a test that runs before int_build_batch (nothing
        orders them) would find the previous build's batch, and tests every row. -#}
    {%- set decided = run_query(
        'select is_full_rebuild, built_from_load_id, tests_written_rows_only from ' ~ batch
        ~ " where invocation_id = '" ~ invocation_id ~ "'"
    ) -%}
    {%- if decided.rows | length == 0 or decided.rows[0][0] or not decided.rows[0][2] -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- if scope.name == 'loads' -%}
        {%- do return('load_id > ' ~ decided.rows[0][1]) -%}
    {%- endif -%}
    {%- do return(rebuilt_rows_condition(touched, scope.also_rebuilt)) -%}
{%- endmacro %}

{#- dbt's own macro, overridden: an incremental model is rebuilt in full (create table as,
    not delete and insert) with `--full-refresh`, and also when int_build_batch found that
    this build must be a full one (first build, changed vars, seeds or models, or a full
    rebuild that did not complete). -#}
{% macro should_full_refresh() -%}
    {%- set config_full_refresh = config.get('full_refresh') -%}
    {%- if config_full_refresh is none -%}
        {%- set config_full_refresh = flags.FULL_REFRESH -%}
    {%- endif -%}
    {%- if not config_full_refresh and execute and model.config.materialized == 'incremental' -%}
        {%- set batch = build_batch_relation() -%}
        {%- if batch is none -%}
            {%- set config_full_refresh = true -%}
        {%- else -%}
            {%- set decided = run_query('select is_full_rebuild from ' ~ batch) -%}
            {%- set config_full_refresh = decided.rows | length == 0 or decided.rows[0][0] -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(config_full_refresh) }}
{%- endmacro %}

{#- What the marts are a function of besides the loads: the vars, the project's models (an
    upgrade or an edit; dbt does not expose macros' code to a model, so an edited macro needs
    `--full-refresh`) and the seeds' contents (int_build_batch hashes those). A change forces
    a full rebuild. -#}
{% macro build_fingerprint_text() -%}
    {%- set parts = ['target=' ~ target.type] -%}
    {%- for name in ['as_of', 'account_time_zone', 'raw_database', 'raw_schema', 'status_names'] -%}
        {%- do parts.append(name ~ '=' ~ (var(name, none) | string)) -%}
    {%- endfor -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() | sort(attribute='unique_id') -%}
            {%- if node.resource_type == 'model' and node.package_name == 'ticketflow' -%}
                {%- do parts.append(node.unique_id ~ '=' ~ node.checksum.checksum) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(local_md5(parts | join('\n'))) }}
{%- endmacro %}

{#- The nodes a build must run, all successfully, for its batch to count as done. -#}
{% macro incremental_build_nodes() -%}
    {%- set nodes = ['model.ticketflow.int_build_batch',
                     'model.ticketflow.int_touched_tickets'] -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.package_name == 'ticketflow'
            and node.config.materialized == 'incremental' -%}
            {%- do nodes.append(node.unique_id) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(nodes) }}
{%- endmacro %}

{#- on-run-end: the batch is done when every incremental model and the batch models ran
    successfully in this invocation; when only some of them ran (an error, or a selection),
    the batch is marked not done and the next build takes its tickets again. It is tested when
    it is done by a `dbt build` that ran data tests and none failed: only then may the next
    build test just the rows it writes (get_where_subquery); after a `dbt run`, a build
    without tests or a failed test, the next build tests every row. -#}
{% macro complete_build_batch(results) -%}
    {%- if execute and ticket_grain_materialization() == 'incremental' -%}
        {%- set needed = incremental_build_nodes() -%}
        {%- set ran = [] -%}
        {%- set succeeded = [] -%}
        {%- set tests = [] -%}
        {%- set failed_tests = [] -%}
        {%- for result in results -%}
            {%- if result.node.resource_type == 'test' -%}
                {%- do tests.append(result.node.unique_id) -%}
                {%- if result.status in ['fail', 'error'] -%}
                    {%- do failed_tests.append(result.node.unique_id) -%}
                {%- endif -%}
            {%- endif -%}
            {%- if result.node.unique_id in needed -%}
                {%- do ran.append(result.node.unique_id) -%}
                {%- if result.status == 'success' -%}
                    {%- do succeeded.append(result.node.unique_id) -%}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set is_complete = (succeeded | length) == (needed | length) -%}
        {%- set is_tested = is_complete and flags.WHICH == 'build' and tests and not failed_tests -%}
        {%- if ran and build_batch_relation() is not none -%}
            update {{ build_batch_relation() }}
            set
                is_complete = {{ 'true' if is_complete else 'false' }},
                is_tested = {{ 'true' if is_tested else 'false' }}
            {#- On Postgres the statement opens a transaction that dbt may not commit. #}
            {%- if target.type == 'postgres' %};
            commit{% endif %}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- int_build_batch as it stands in the database (none before the first build), found without
    ref(): the hooks and materializations that read it do not declare it. -#}
{% macro build_batch_relation() -%}
    {{ return(model_relation('model.ticketflow.int_build_batch')) }}
{%- endmacro %}

{#- A model's relation as it stands in the database, or none. -#}
{% macro model_relation(unique_id) -%}
    {%- set node = graph.nodes[unique_id] -%}
    {{ return(adapter.get_relation(
        database=node.database, schema=node.schema, identifier=node.alias
    )) }}
{%- endmacro %}
