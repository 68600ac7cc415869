with

loads as (

    select * from {{ source('raw', 'loads') }}

),

ranked as (

    -- A file name's newest successful load is the one that stands: the loader replaces the
    -- activities of an earlier load of the same file name (a re-export) with its own.
    select
        *,
        row_number() over (
            partition by file_name, status = 'failed'
            order by load_id desc
        ) as newest_first
    from loads

),

final as (

    select
        load_id,
        file_name,
        file_path,
        content_hash,
        container,
        is_compressed,
        records as record_count,
        loaded as loaded_count,
        rejected as rejected_count,
        metadata_start_at,
        metadata_end_at,
        declared_count,
        status as load_status,
        status <> 'failed' and newest_first = 1 as is_current_load,
        account_id,
        message,
        started_at,
        finished_at
    from ranked

)

select * from final
